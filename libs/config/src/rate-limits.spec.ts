import { ConfigError, loadConfig } from './config';

describe('rate-limit configuration', () => {
  it('has generous defaults, counted in PostgreSQL unless REDIS_URL is set', () => {
    const c = loadConfig('embedded', { DATA_DIR: 'memory://' });
    expect(c.redisUrl).toBeUndefined();
    expect(c.rateLimits).toEqual({
      windowSeconds: 60,
      token: { perIp: 3000, perClient: 12000 },
      deviceAuthorization: { perIp: 60, perClient: 600 },
      introspection: { perIp: 6000, perClient: 30000 },
      registration: { perIp: 300, perClient: 300 },
    });
  });

  it('reads each limit, 0 switching one off, and RATE_LIMITS=off switching all off', () => {
    const c = loadConfig('embedded', { DATA_DIR: 'memory://', RATE_LIMIT_TOKEN_PER_IP: '0', RATE_LIMIT_INTROSPECTION_PER_CLIENT: '7', RATE_LIMIT_WINDOW: '10', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(c.rateLimits.token).toEqual({ perIp: 0, perClient: 12000 });
    expect(c.rateLimits.introspection.perClient).toBe(7);
    expect(c.rateLimits.windowSeconds).toBe(10);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    const off = loadConfig('embedded', { DATA_DIR: 'memory://', RATE_LIMITS: 'off' });
    expect(Object.values(off.rateLimits).filter((v) => typeof v === 'object')).toEqual(Array(4).fill({ perIp: 0, perClient: 0 }));
  });

  it.each([
    [{ RATE_LIMIT_TOKEN_PER_IP: '-1' }, 'RATE_LIMIT_TOKEN_PER_IP must be an integer >= 0, got "-1"'],
    [{ RATE_LIMIT_WINDOW: '0' }, 'RATE_LIMIT_WINDOW must be an integer >= 1, got "0"'],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL must use redis: or rediss:, got "http:"'],
  ])('refuses %j naming the variable', (bad, message) => {
    expect(() => loadConfig('embedded', { DATA_DIR: 'memory://', ...bad })).toThrow(new ConfigError(message));
  });
});
