import 'reflect-metadata';
import cluster from 'node:cluster';
import { bootConfig } from '@idp/config';
import { runPrimary } from './auth-cluster';

async function main() {
  const config = bootConfig('auth');
  if (config.authWorkers > 1 && cluster.isPrimary) {
    runPrimary(config.authWorkers);
    return;
  }
  // Required here, not imported at the top: the primary of a cluster only forks and watches its
  // workers, and would otherwise hold the whole Nest application in memory without using it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { AuthAppModule } = require('./app.module') as typeof import('./app.module');
  const { createHttpApp, listen } = require('./http-app') as typeof import('./http-app');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await createHttpApp(AuthAppModule.forRoot(config), config);
  await listen(app, config);
  const worker = cluster.isWorker ? ` (worker ${cluster.worker!.id} of ${config.authWorkers})` : '';
  process.stdout.write(`auth listening on :${config.port}${worker}, issuer ${config.issuer}\n`);
}

main().catch((err) => {
  process.stderr.write(`auth failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
