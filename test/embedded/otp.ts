import { Browserless, PageResponse } from '@idp/testing';

export interface OutboxEntry {
  channel: 'sms' | 'email';
  to: string;
  text: string;
  code: string;
  at: string;
}

/** Polls until the check returns something: codes are delivered in the background. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function readOutbox(base: string, to: string): Promise<OutboxEntry[]> {
  const res = await fetch(`${base}/dev/outbox?to=${encodeURIComponent(to)}`);
  if (res.status !== 200) throw new Error(`outbox: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The newest code in the outbox for `to` that is not one of `seen`. */
export function newCode(base: string, to: string, seen: string[] = []): Promise<string> {
  return eventually(async () => {
    const [newest] = await readOutbox(base, to);
    return newest && !seen.includes(newest.code) ? newest.code : undefined;
  });
}

/** From the login page, asks for a code by SMS; returns the code page. */
export function askPhoneCode(browser: Browserless, loginPage: PageResponse, phone: string): Promise<PageResponse> {
  return browser.submit(loginPage, '/otp/phone', { phone });
}
