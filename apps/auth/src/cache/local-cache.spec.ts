import { LocalCache } from './local-cache';

describe('LocalCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('loads a key once while it is fresh, and again once the lifetime has passed', async () => {
    const cache = new LocalCache<string>(30_000, 100, clock);
    const load = jest.fn(async () => 'row');
    expect(await cache.get('a', load)).toBe('row');
    now += 29_999;
    expect(await cache.get('a', load)).toBe('row');
    expect(load).toHaveBeenCalledTimes(1);
    now += 1;
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent readers', async () => {
    const cache = new LocalCache<string>(30_000, 100, clock);
    let resolve!: (v: string) => void;
    const load = jest.fn(() => new Promise<string>((r) => (resolve = r)));
    const both = Promise.all([cache.get('a', load), cache.get('a', load)]);
    resolve('row');
    expect(await both).toEqual(['row', 'row']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reloads after delete and clear', async () => {
    const cache = new LocalCache<string>(30_000, 100, clock);
    let version = 0;
    const load = async () => `v${++version}`;
    expect(await cache.get('a', load)).toBe('v1');
    cache.delete('a');
    expect(await cache.get('a', load)).toBe('v2');
    cache.clear();
    expect(await cache.get('a', load)).toBe('v3');
  });

  it('keeps neither absent rows nor failed loads', async () => {
    const cache = new LocalCache<string>(30_000, 100, clock);
    expect(await cache.get('missing', async () => null)).toBeNull();
    await expect(cache.get('broken', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    await Promise.resolve();
    expect(cache.size).toBe(0);
    expect(await cache.get('broken', async () => 'back')).toBe('back');
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const cache = new LocalCache<string>(30_000, 2, clock);
    const load = jest.fn(async () => 'row');
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(cache.size).toBe(2);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
