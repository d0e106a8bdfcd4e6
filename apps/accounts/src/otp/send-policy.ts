import { OtpConfig } from '@idp/config';
import { OtpSendError } from '@idp/contracts';

interface Window {
  count: number;
  /** The oldest send inside the window: when it leaves, a slot frees. */
  oldest: Date | null;
}

export interface SendStats {
  /** The newest code to this destination for this purpose. */
  lastSent: Date | null;
  destination: { hour: Window; day: Window };
  ip: { hour: Window; day: Window };
}

export interface Refusal {
  code: Exclude<OtpSendError, 'invalid_destination'>;
  message: string;
  retryAfter: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Whether a new code may be sent now, and if not, why and for how long. Pure: the caller reads the stats. */
export function sendVerdict(stats: SendStats, now: Date, rules: Pick<OtpConfig, 'resendInterval' | 'perDestination' | 'perIp'>): Refusal | null {
  const secondsUntil = (from: Date, after: number) => Math.max(1, Math.ceil((from.getTime() + after * 1000 - now.getTime()) / 1000));
  if (stats.lastSent && now.getTime() - stats.lastSent.getTime() < rules.resendInterval * 1000) {
    return { code: 'resend_too_soon', message: 'a code was sent moments ago', retryAfter: secondsUntil(stats.lastSent, rules.resendInterval) };
  }
  const ceilings: Array<[Window, number, number, string]> = [
    [stats.destination.hour, rules.perDestination.hour, HOUR, 'this destination got too many codes this hour'],
    [stats.destination.day, rules.perDestination.day, DAY, 'this destination got too many codes today'],
    [stats.ip.hour, rules.perIp.hour, HOUR, 'too many codes from this address this hour'],
    [stats.ip.day, rules.perIp.day, DAY, 'too many codes from this address today'],
  ];
  const over = ceilings
    .filter(([w, max]) => w.count >= max && w.oldest)
    .map(([w, , span, message]) => ({ code: 'too_many_requests' as const, message, retryAfter: secondsUntil(w.oldest!, span) }));
  return over.length ? over.reduce((a, b) => (b.retryAfter > a.retryAfter ? b : a)) : null;
}
