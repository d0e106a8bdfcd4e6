import { ConfigError, loadConfig } from './config';

const DISTRIBUTED = {
  DATABASE_URL: 'postgres://u@db:5432/idp',
  NATS_URL: 'nats://nats:4222',
  ADMIN_TOKEN: 'an-admin-token-of-some-length',
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PAIRWISE_SALT: 'salt',
};

describe('loadConfig', () => {
  it('runs the embedded mode with nothing set, generating its secrets', () => {
    const c = loadConfig('embedded', { DATA_DIR: 'memory://' });
    expect(c).toMatchObject({ issuer: 'http://localhost:3000', port: 3000, devOutbox: true, demo: true, databaseUrl: undefined, natsUrl: undefined });
    expect(c.keyEncryptionKey).toHaveLength(32);
    expect(c.adminToken.length).toBeGreaterThanOrEqual(16);
  });

  it.each([
    ['DATABASE_URL', 'DATABASE_URL is required for the auth service'],
    ['NATS_URL', 'NATS_URL is required for the auth service (the in-process bus exists only in embedded mode)'],
    ['ADMIN_TOKEN', 'ADMIN_TOKEN is required outside embedded mode'],
    ['KEY_ENCRYPTION_KEY', 'KEY_ENCRYPTION_KEY is required outside embedded mode'],
    ['PAIRWISE_SALT', 'PAIRWISE_SALT is required outside embedded mode'],
  ])('stops the auth service without %s, naming it', (name, message) => {
    const env: Record<string, string> = { ...DISTRIBUTED };
    delete env[name];
    expect(() => loadConfig('auth', env)).toThrow(new ConfigError(message));
  });

  it('does not ask accounts and consent for the pairwise salt', () => {
    const { PAIRWISE_SALT: _unused, ...env } = DISTRIBUTED;
    expect(() => loadConfig('accounts', env)).not.toThrow();
    expect(() => loadConfig('consent', env)).not.toThrow();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be an integer >= 0, got "eighty"'],
    [{ ISSUER: 'not a url' }, 'ISSUER is not a valid URL: "not a url"'],
    [{ KEY_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'KEY_ENCRYPTION_KEY must be 32 random bytes, base64-encoded'],
    [{ DEV_OUTBOX: 'maybe' }, 'DEV_OUTBOX must be on or off, got "maybe"'],
  ])('refuses %j with a clear message', (bad, message) => {
    expect(() => loadConfig('auth', { ...DISTRIBUTED, ...bad })).toThrow(new ConfigError(message));
  });
});
