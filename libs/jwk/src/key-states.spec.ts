import { decodeProtectedHeader } from 'jose';
import { KeyRing, generateSigningKey, loadSigningKey } from './key-ring';
import { keyStatuses, publishedKids, rotationDue } from './key-states';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
const HOUR = 3600;
const DAY = 24 * HOUR;

describe('key states', () => {
  const old = { kid: 'old', activatedAt: t(0), retiredAt: t(100 * DAY) };
  const cur = { kid: 'cur', activatedAt: t(100 * DAY), retiredAt: null };

  it('publishes the next key before it signs, then switches at its activation time', () => {
    const next = { kid: 'next', activatedAt: t(100 * DAY + HOUR), retiredAt: null };
    const keys = [cur, next];
    expect(Object.fromEntries(keyStatuses(keys, t(100 * DAY + 60), DAY))).toEqual({ cur: 'current', next: 'next' });
    expect(Object.fromEntries(keyStatuses(keys, t(100 * DAY + HOUR), DAY))).toEqual({ cur: 'retiring', next: 'current' });
  });

  it('gives each algorithm its own timeline: a newer ES256 key does not retire the RS256 one', () => {
    const es = { kid: 'es', alg: 'ES256', activatedAt: t(200 * DAY), retiredAt: null };
    const esNext = { kid: 'es-next', alg: 'ES256', activatedAt: t(200 * DAY + HOUR), retiredAt: null };
    expect(Object.fromEntries(keyStatuses([cur, es, esNext], t(200 * DAY + 2 * HOUR), DAY))).toEqual({ cur: 'current', es: 'retiring', 'es-next': 'current' });
  });

  it('lets the oldest key sign when none has activated yet by this clock', () => {
    const skewed = [{ kid: 'first', activatedAt: t(10), retiredAt: null }];
    expect(Object.fromEntries(keyStatuses(skewed, t(9), DAY))).toEqual({ first: 'current' });
    expect(Object.fromEntries(keyStatuses([...skewed, { kid: 'n', activatedAt: t(20), retiredAt: null }], t(9), DAY))).toEqual({ first: 'current', n: 'next' });
  });

  it('keeps a superseded key published for the retention time after it stopped signing, then drops it', () => {
    expect(keyStatuses([old, cur], t(100 * DAY + DAY - 1), DAY).get('old')).toBe('retiring');
    expect(keyStatuses([old, cur], t(101 * DAY), DAY).get('old')).toBe('retired');
    expect(publishedKids([old, cur], t(101 * DAY), DAY)).toEqual(['cur']);
    // Without a recorded retirement, the successor's activation counts.
    expect(keyStatuses([{ ...old, retiredAt: null }, cur], t(100 * DAY + 10), 60).get('old')).toBe('retiring');
    expect(keyStatuses([{ ...old, retiredAt: null }, cur], t(100 * DAY + 61), 60).get('old')).toBe('retired');
  });

  it('is due for rotation when the successor must be published to activate at the end of the interval', () => {
    expect(rotationDue([cur], t(100 * DAY + 90 * DAY - HOUR - 1), 90 * DAY, HOUR)).toBe(false);
    expect(rotationDue([cur], t(100 * DAY + 90 * DAY - HOUR), 90 * DAY, HOUR)).toBe(true);
    // Not while a next key waits, and never with the schedule off.
    expect(rotationDue([cur, { kid: 'n', activatedAt: t(300 * DAY), retiredAt: null }], t(200 * DAY), 90 * DAY, HOUR)).toBe(false);
    expect(rotationDue([cur], t(900 * DAY), 0, HOUR)).toBe(false);
  });
});

describe('KeyRing over time', () => {
  it('signs with the current key, publishes and verifies with the next one, and drops the retired one', async () => {
    const [a, b] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    let now = t(0);
    const keys = [
      { ...(await loadSigningKey(a.kid, a.publicJwk, a.privateJwk)), activatedAt: t(-DAY), retiredAt: t(HOUR) },
      { ...(await loadSigningKey(b.kid, b.publicJwk, b.privateJwk)), activatedAt: t(HOUR), retiredAt: null },
    ];
    const ring = new KeyRing(keys, { retainSeconds: 2 * HOUR, now: () => now });
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([a.kid, b.kid]);
    const before = await ring.sign({ iss: 'https://idp.example', exp: Math.floor(Date.now() / 1000) + 60 });
    expect(decodeProtectedHeader(before).kid).toBe(a.kid);

    now = t(HOUR);
    const after = await ring.sign({ iss: 'https://idp.example', exp: Math.floor(Date.now() / 1000) + 60 });
    expect(decodeProtectedHeader(after).kid).toBe(b.kid);
    await expect(ring.verify(before, { issuer: 'https://idp.example' })).resolves.toBeDefined();

    now = t(3 * HOUR);
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([b.kid]);
    await expect(ring.verify(before, { issuer: 'https://idp.example' })).rejects.toThrow('unknown kid');
  });
});
