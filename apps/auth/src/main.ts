import 'reflect-metadata';
import cluster from 'node:cluster';
import { bootConfig } from '@idp/config';
import { AuthAppModule } from './app.module';
import { runPrimary } from './auth-cluster';
import { createHttpApp, listen } from './http-app';

async function main() {
  const config = bootConfig('auth');
  if (config.authWorkers > 1 && cluster.isPrimary) {
    runPrimary(config.authWorkers);
    return;
  }
  const app = await createHttpApp(AuthAppModule.forRoot(config), config);
  await listen(app, config);
  const worker = cluster.isWorker ? ` (worker ${cluster.worker!.id} of ${config.authWorkers})` : '';
  process.stdout.write(`auth listening on :${config.port}${worker}, issuer ${config.issuer}\n`);
}

main().catch((err) => {
  process.stderr.write(`auth failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
