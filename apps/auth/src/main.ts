import 'reflect-metadata';
import { bootConfig } from '@idp/config';
import { AuthAppModule } from './app.module';
import { createHttpApp, listen } from './http-app';

async function main() {
  const config = bootConfig('auth');
  const app = await createHttpApp(AuthAppModule.forRoot(config), config);
  await listen(app, config);
  process.stdout.write(`auth listening on :${config.port}, issuer ${config.issuer}\n`);
}

main().catch((err) => {
  process.stderr.write(`auth failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
