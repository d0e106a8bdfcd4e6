import { loadConfig } from '@idp/config';
import { TooManyRequests } from '../oidc/errors/oauth.errors';
import { EndpointRateLimits } from './endpoint-rate-limits.service';
import { RateLimitStore } from './rate-limit.store';
import { RateLimiterService, secondsLeft, windowStart } from './rate-limiter.service';

/** Counters in a Map, as the real stores keep them: per key and window. */
class MemoryStore extends RateLimitStore {
  readonly counts = new Map<string, number>();
  calls = 0;
  failing = false;

  async hit(keys: string[], start: Date): Promise<number[]> {
    this.calls++;
    if (this.failing) throw new Error('store down');
    return keys.map((k) => {
      const name = `${k}@${start.getTime()}`;
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
      return this.counts.get(name)!;
    });
  }

  async peek(keys: string[], start: Date): Promise<number[]> {
    return keys.map((k) => this.counts.get(`${k}@${start.getTime()}`) ?? 0);
  }
}

describe('endpoint rate limits', () => {
  const setup = (env: Record<string, string>) => {
    const store = new MemoryStore();
    const config = loadConfig('embedded', { DATA_DIR: 'memory://', RATE_LIMIT_WINDOW: '86400', ...env });
    return { store, limits: new EndpointRateLimits(new RateLimiterService(store), config) };
  };

  it('lets the maximum through and refuses the next with slow_down, 429 and Retry-After', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_IP: '2' });
    await limits.perIp('token', '10.0.0.1');
    await limits.perIp('token', '10.0.0.1');
    const refused = await limits.perIp('token', '10.0.0.1').catch((e) => e);
    expect(refused).toBeInstanceOf(TooManyRequests);
    expect(refused.status).toBe(429);
    expect(refused.body()).toEqual({ error: 'slow_down', error_description: expect.stringMatching(/^too many requests from this address; retry after \d+ seconds$/) });
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThan(0);
    // Once over, this instance refuses on its own until the window ends: no round trip per request.
    const calls = store.calls;
    await expect(limits.perIp('token', '10.0.0.1')).rejects.toBeInstanceOf(TooManyRequests);
    expect(store.calls).toBe(calls);
    // Another address, and the same address at another endpoint, have their own counts.
    await expect(limits.perIp('token', '10.0.0.2')).resolves.toBeUndefined();
    await expect(limits.perIp('introspection', '10.0.0.1')).resolves.toBeUndefined();
  });

  it('does not touch the store for a limit of 0', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_CLIENT: '0' });
    for (let i = 0; i < 5; i++) await limits.perClient('token', 'client-1');
    expect(store.calls).toBe(0);
  });

  it('lets requests through when the store fails', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_IP: '1' });
    store.failing = true;
    for (let i = 0; i < 3; i++) await expect(limits.perIp('token', '10.0.0.1')).resolves.toBeUndefined();
  });
  it('counts an address and a client in one round trip, and refuses a known-over address without one', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_IP: '2', RATE_LIMIT_TOKEN_PER_CLIENT: '5' });
    await limits.count('token', '10.0.0.9', 'client-9');
    expect(store.calls).toBe(1);
    await limits.count('token', '10.0.0.9', 'client-9');
    const refused = await limits.count('token', '10.0.0.9', 'client-9').catch((e) => e);
    expect(refused).toBeInstanceOf(TooManyRequests);
    expect(refused.message).toMatch(/this address/);
    expect(store.calls).toBe(3);
    expect(() => limits.precheck('token', '10.0.0.9')).toThrow(TooManyRequests);
    expect(store.calls).toBe(3);
  });
});

describe('fixed windows', () => {
  it('align to the epoch, so every instance agrees, and say how long is left', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 42, 500);
    expect(windowStart({ windowSeconds: 60 }, now).toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(secondsLeft(windowStart({ windowSeconds: 60 }, now), { windowSeconds: 60 }, now)).toBe(18);
    expect(secondsLeft(new Date(now - 60000), { windowSeconds: 60 }, now)).toBe(1);
  });
});

describe('large limits counted in the process', () => {
  class CountingStore extends MemoryStore {
    readonly batches: Array<{ keys: string[]; increments?: number[]; batched?: boolean }> = [];
    override async hit(keys: string[], start: Date, _w?: number, increments?: number[], batched?: boolean): Promise<number[]> {
      this.batches.push({ keys, increments, batched });
      this.calls++;
      return keys.map((k, i) => {
        const name = `${k}@${start.getTime()}`;
        this.counts.set(name, (this.counts.get(name) ?? 0) + (increments?.[i] ?? 1));
        return this.counts.get(name)!;
      });
    }
  }
  const setup = (env: Record<string, string>) => {
    const store = new CountingStore();
    const config = loadConfig('embedded', { DATA_DIR: 'memory://', RATE_LIMIT_WINDOW: '86400', ...env });
    return { store, limits: new EndpointRateLimits(new RateLimiterService(store), config) };
  };

  it('far from the limit the requests do not wait for the store; their hits reach it together', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_IP: '1000', RATE_LIMIT_TOKEN_PER_CLIENT: '2000' });
    for (let i = 0; i < 10; i++) await limits.count('token', '10.1.0.1', 'client-a');
    expect(store.calls).toBe(0);
    await limits.flush();
    expect(store.batches).toEqual([{ keys: ['ep:token:ip:10.1.0.1', 'ep:token:client:client-a'], increments: [10, 10], batched: true }]);
    await limits.flush();
    expect(store.calls).toBe(1); // nothing pending, nothing sent
    await limits.onModuleDestroy();
  });

  it('past half the limit every request counts in the store with the hits not yet sent, and the limit holds exactly', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_IP: '1000' });
    for (let i = 0; i < 500; i++) await limits.perIp('token', '10.1.0.2');
    expect(store.calls).toBe(0);
    await limits.perIp('token', '10.1.0.2'); // the 501st: over half, so it goes to the store with the 500 before it
    expect(store.batches[0]).toEqual({ keys: ['ep:token:ip:10.1.0.2'], increments: [501], batched: false });
    for (let i = 502; i <= 1000; i++) await limits.perIp('token', '10.1.0.2');
    await expect(limits.perIp('token', '10.1.0.2')).rejects.toBeInstanceOf(TooManyRequests);
    expect(store.counts.get(`ep:token:ip:10.1.0.2@${windowStart({ windowSeconds: 86400 }).getTime()}`)).toBe(1001);
    await limits.onModuleDestroy();
  });

  it('what another instance counted is learnt at the flush, and brings this one back to the store', async () => {
    const { store, limits } = setup({ RATE_LIMIT_TOKEN_PER_IP: '1000' });
    const key = `ep:token:ip:10.1.0.3@${windowStart({ windowSeconds: 86400 }).getTime()}`;
    await limits.perIp('token', '10.1.0.3');
    store.counts.set(key, 700); // the other instances
    await limits.flush();
    expect(store.counts.get(key)).toBe(701);
    const calls = store.calls;
    await limits.perIp('token', '10.1.0.3');
    expect(store.calls).toBe(calls + 1);
    await limits.onModuleDestroy();
  });
});
