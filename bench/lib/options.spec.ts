import { parseOptions } from './options';

describe('bench options', () => {
  it('--quick shortens warm-up and duration unless they are given', () => {
    const quick = parseOptions(['--quick'], {});
    expect(quick).toMatchObject({ quick: true, duration: 2, warmup: 0.5 });
    expect(parseOptions(['--quick', '--duration', '5'], {})).toMatchObject({ quick: true, duration: 5, warmup: 0.5 });
    expect(parseOptions([], {})).toMatchObject({ quick: false, duration: 10, warmup: 2 });
  });

  it('--only takes comma-separated and repeated scenarios, and refuses unknown ones', () => {
    expect(parseOptions(['--only', 'client_credentials,refresh_token', '--only', 'jwks'], {}).only).toEqual(['client_credentials', 'refresh_token', 'jwks']);
    expect(parseOptions([], {}).only.length).toBeGreaterThan(5);
    expect(() => parseOptions(['--only', 'client_credentials,nonsense'], {})).toThrow(/unknown scenario nonsense/);
  });
});
