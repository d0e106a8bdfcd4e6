import 'reflect-metadata';
import { bootConfig } from '@idp/config';
import { startEmbedded } from './embedded-app';

async function main() {
  const started = Date.now();
  const config = bootConfig('embedded');
  await startEmbedded(config);
  const lines = [
    '',
    `  Identity platform (embedded mode) is up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  Issuer:        ${config.issuer}`,
    `  Discovery:     ${config.issuer}/.well-known/openid-configuration`,
    `  Try a login:   ${config.issuer}/demo${config.demo ? '   (account: demo / demo-password, or register one)' : ''}`,
    `  Admin token:   ${config.adminTokenFile ?? 'from ADMIN_TOKEN'}`,
    ...(config.devOutbox ? [`  Dev outbox:    ${config.issuer}/dev/outbox?to=<phone or e-mail>   (codes not sent to a real SMS or mail gateway)`] : []),
    `  Data:          ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.dataDir}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`embedded platform failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
