import { SendStats, sendVerdict } from './send-policy';

const rules = { resendInterval: 120, perDestination: { hour: 5, day: 10 }, perIp: { hour: 30, day: 200 } };
const now = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const empty = (): SendStats => ({
  lastSent: null,
  destination: { hour: { count: 0, oldest: null }, day: { count: 0, oldest: null } },
  ip: { hour: { count: 0, oldest: null }, day: { count: 0, oldest: null } },
});

describe('sendVerdict', () => {
  it('allows a first code, and a new one 120 s after the last', () => {
    expect(sendVerdict(empty(), now, rules)).toBeNull();
    expect(sendVerdict({ ...empty(), lastSent: ago(120) }, now, rules)).toBeNull();
    expect(sendVerdict({ ...empty(), lastSent: ago(100) }, now, rules)).toMatchObject({ code: 'resend_too_soon', retryAfter: 20 });
  });

  it('waits for the longest of several full ceilings', () => {
    const stats = empty();
    stats.destination.hour = { count: 5, oldest: ago(3000) };
    stats.ip.day = { count: 200, oldest: ago(80000) };
    expect(sendVerdict(stats, now, rules)).toEqual({ code: 'too_many_requests', message: 'too many codes from this address today', retryAfter: 6400 });
    stats.ip.day = { count: 199, oldest: ago(80000) };
    expect(sendVerdict(stats, now, rules)).toMatchObject({ code: 'too_many_requests', retryAfter: 600 });
  });
});
