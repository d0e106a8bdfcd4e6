import { Browserless, PageResponse } from '@idp/testing';

export type Credentials = { login: string; password: string };

/**
 * Drives authorize -> login (or registration) -> consent through the real pages, as a person
 * would, and returns the response that leaves the provider (the redirect to the client).
 */
export async function signInThroughPages(
  browser: Browserless,
  authorizeUrl: string,
  who: Credentials | { register: Record<string, string> },
  consent: 'allow' | 'deny' = 'allow',
): Promise<PageResponse> {
  let page = await browser.follow(authorizeUrl);
  if (page.url.includes('/interaction/') && page.body.includes('/login"')) {
    if ('register' in who) {
      page = await browser.follow(page.url.replace(/\/?$/, '/register'));
      page = await browser.submit(page, '/register', who.register);
    } else {
      page = await browser.submit(page, '/login', { username: who.login, password: who.password });
    }
  }
  if (page.url.includes('/interaction/') && page.body.includes('/consent"')) {
    page = await browser.submit(page, '/consent', {}, consent);
  }
  return page;
}
