import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@idp/config';
import { AdminApi, freePort } from '@idp/testing';
import { startEmbedded } from '../../apps/embedded/src/embedded-app';

export interface EmbeddedPlatform {
  app: NestFastifyApplication;
  base: string;
  admin: AdminApi;
  close(): Promise<void>;
}

/** The embedded platform on a free port with an in-memory database, as `npm start` runs it. */
export async function startEmbeddedPlatform(env: Record<string, string> = {}): Promise<EmbeddedPlatform> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig('embedded', {
    DATA_DIR: 'memory://',
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: base,
    ADMIN_TOKEN: 'test-admin-token-0123456789',
    LOG_LEVEL: 'error',
    BCRYPT_COST: '6',
    // Test receivers (jwks_uri, back-channel logout, sector identifiers) listen on loopback.
    OUTBOUND_ALLOW_PRIVATE: 'true',
    ...env,
  });
  const app = await startEmbedded(config);
  return { app, base, admin: new AdminApi(base, config.adminToken), close: () => app.close() };
}
