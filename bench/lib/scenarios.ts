import { randomBytes } from 'node:crypto';
import { Browserless, PageResponse, basic } from '@idp/testing';
import { LoadRequest } from './load';
import { API_SCOPE, DEVICE_GRANT, REDIRECT_URI, Side } from './sides';

export const SCENARIOS = [
  'discovery',
  'jwks',
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'introspection_access_token',
  'introspection_refresh_token',
  'userinfo',
  'password_login',
  'device_polling',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Scenarios that hit the token endpoint and sign: the ones the RS256 ceiling and the p99 target are about. */
export const TOKEN_SCENARIOS: ScenarioName[] = ['client_credentials', 'authorization_code', 'refresh_token'];

const state = () => randomBytes(12).toString('hex');

const json = (body: string): any => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** A token answer with an access token that is a signed JWT (both providers then did one RS256 signature for it). */
const issued = (status: number, body: string) => status === 200 && String(json(body)?.access_token).split('.').length === 3;

function authorizeUrl(side: Side, scope: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: side.client.id, redirect_uri: REDIRECT_URI, scope, state: state(), nonce: state(), ...extra });
  return `${side.base}${side.endpoints.authorization}?${q}`;
}

const codeOf = (page: PageResponse): string => {
  const code = page.location?.startsWith(REDIRECT_URI) ? new URL(page.location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code: ${page.status} ${page.location ?? page.body.slice(0, 300)}`);
  return code;
};

/**
 * authorize -> (login page) -> (consent page) -> redirect with a code, as a person would do it in a
 * browser, through either provider's pages. A browser with a session and a consent goes straight through.
 */
export async function authorizeThroughPages(side: Side, browser: Browserless, scope: string, extra: Record<string, string> = {}): Promise<string> {
  let page = await browser.follow(authorizeUrl(side, scope, extra));
  if (!page.location && page.body.includes('/login"')) page = await browser.submit(page, '/login', { username: side.user.login, password: side.user.password });
  if (!page.location && page.body.includes('/consent"')) page = await browser.submit(page, '/consent', {}, 'allow');
  return codeOf(page);
}

export async function postToken(side: Side, form: Record<string, string>): Promise<any> {
  const res = await fetch(side.base + side.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(side.client.id, side.client.secret) },
    body: new URLSearchParams(form).toString(),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Runs `count` tasks, `parallel` at a time. */
async function pool<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/** Tokens and codes a scenario needs before it starts, minted through the real flows. */
export class Fixtures {
  private browser?: Browserless;

  constructor(readonly side: Side) {}

  /** A browser that has signed in and consented once, so further authorizations go straight to a code. */
  private async signedIn(): Promise<Browserless> {
    if (!this.browser) {
      const browser = new Browserless(this.side.base);
      await authorizeThroughPages(this.side, browser, `openid profile ${API_SCOPE}`);
      this.browser = browser;
    }
    return this.browser;
  }

  async codes(count: number, scope = `openid profile ${API_SCOPE}`): Promise<string[]> {
    const browser = await this.signedIn();
    return pool(count, 8, () => authorizeThroughPages(this.side, browser, scope));
  }

  /** Refresh tokens from their own consented authorizations (offline access needs prompt=consent at the peer). */
  async refreshTokens(count: number): Promise<string[]> {
    const browser = await this.signedIn();
    // One at a time: each goes through the consent page, and the peer keeps one interaction per browser.
    return pool(count, 1, async () => {
      const code = await authorizeThroughPages(this.side, browser, `openid profile offline_access ${API_SCOPE}`, { prompt: 'consent' });
      const tokens = await postToken(this.side, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
      if (!tokens.refresh_token) throw new Error(`no refresh token from ${this.side.name}`);
      return tokens.refresh_token as string;
    });
  }

  /** An access token good at UserInfo (for the peer: no API scope, so it is its own opaque kind). */
  async userinfoToken(): Promise<string> {
    const [code] = await this.codes(1, 'openid profile');
    return (await postToken(this.side, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).access_token;
  }

  async deviceCodes(count: number): Promise<string[]> {
    return pool(count, 4, async () => {
      const res = await fetch(this.side.base + this.side.endpoints.device, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(this.side.client.id, this.side.client.secret) },
        body: new URLSearchParams({ client_id: this.side.client.id, scope: 'openid profile' }).toString(),
      });
      const body = (await res.json()) as any;
      if (!body.device_code) throw new Error(`no device code from ${this.side.name}: ${JSON.stringify(body)}`);
      return body.device_code as string;
    });
  }
}

/** A queue of single-use values; when it runs dry the request carries a value that must fail and counts as an error. */
class Queue {
  constructor(private readonly items: string[]) {}
  take(): string {
    return this.items.shift() ?? 'exhausted-' + state();
  }
  put(item: string): void {
    this.items.push(item);
  }
}

export interface ScenarioPlan {
  /** A single request kind under autocannon, or a whole flow. */
  request?: LoadRequest;
  flow?: () => Promise<void>;
  note?: string;
}

/** How many single-use codes to mint: enough for the expected rate over warm-up and measurement. */
export const codesNeeded = (expectedRate: number, seconds: number) => Math.min(30_000, Math.ceil(expectedRate * seconds * 1.2) + 50);

/** Builds a scenario for one side: mints what it needs, then describes the load. */
export async function plan(name: ScenarioName, f: Fixtures, ctx: { connections: number; seconds: number; expectedTokenRate: number }): Promise<ScenarioPlan> {
  const side = f.side;
  const auth = { authorization: basic(side.client.id, side.client.secret) };
  switch (name) {
    case 'discovery':
      return { request: { method: 'GET', path: side.endpoints.discovery, expect: (s) => s === 200 } };
    case 'jwks':
      return { request: { method: 'GET', path: side.endpoints.jwks, expect: (s) => s === 200 } };
    case 'client_credentials':
      return { request: { method: 'POST', path: side.endpoints.token, headers: auth, form: { grant_type: 'client_credentials', scope: API_SCOPE }, expect: issued } };
    case 'authorization_code': {
      const count = codesNeeded(ctx.expectedTokenRate, ctx.seconds);
      const codes = new Queue(await f.codes(count));
      return {
        request: { method: 'POST', path: side.endpoints.token, headers: auth, form: () => ({ grant_type: 'authorization_code', code: codes.take(), redirect_uri: REDIRECT_URI }), expect: issued },
        note: `${count} codes minted beforehand through authorize with a signed-in session`,
      };
    }
    case 'refresh_token': {
      const tokens = new Queue(await f.refreshTokens(ctx.connections * 2));
      return {
        request: {
          method: 'POST',
          path: side.endpoints.token,
          headers: auth,
          form: () => ({ grant_type: 'refresh_token', refresh_token: tokens.take() }),
          expect: issued,
          onAnswer: (status, body) => {
            const next = status === 200 ? json(body)?.refresh_token : undefined;
            if (next) tokens.put(next);
          },
        },
      };
    }
    case 'introspection_access_token': {
      // A user's access token: oidc-provider answers active:false for its JWT (resource) access
      // tokens, which it does not store, so both sides get the token their UserInfo takes.
      const token = await f.userinfoToken();
      return {
        request: { method: 'POST', path: side.endpoints.introspection, headers: auth, form: { token }, expect: (s, b) => s === 200 && json(b)?.active === true },
        note: 'a user access token from the code flow: a JWT at ours, an opaque token at oidc-provider (which cannot introspect its JWT access tokens)',
      };
    }
    case 'introspection_refresh_token': {
      const [token] = await f.refreshTokens(1);
      return { request: { method: 'POST', path: side.endpoints.introspection, headers: auth, form: { token }, expect: (s, b) => s === 200 && json(b)?.active === true } };
    }
    case 'userinfo': {
      const token = await f.userinfoToken();
      return { request: { method: 'GET', path: side.endpoints.userinfo, headers: { authorization: `Bearer ${token}` }, expect: (s, b) => s === 200 && !!json(b)?.sub } };
    }
    case 'device_polling': {
      const codes = await f.deviceCodes(Math.max(ctx.connections, 4));
      let i = 0;
      return {
        request: {
          method: 'POST',
          path: side.endpoints.token,
          headers: auth,
          form: () => ({ grant_type: DEVICE_GRANT, device_code: codes[i++ % codes.length] }),
          expect: (s, b) => s === 400 && ['authorization_pending', 'slow_down'].includes(json(b)?.error),
        },
        note: 'answers are authorization_pending or slow_down (both count as expected)',
      };
    }
    case 'password_login':
      return {
        flow: async () => {
          const browser = new Browserless(side.base);
          const code = await authorizeThroughPages(side, browser, 'openid profile', { prompt: 'consent' });
          await postToken(side, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
        },
        note: 'logins/s: authorize, login page, password (bcrypt), consent page, code, token; each with a fresh cookie jar',
      };
  }
}
