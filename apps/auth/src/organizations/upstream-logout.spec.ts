import { randomBytes } from 'node:crypto';
import { AppConfig } from '@idp/config';
import { FederatedSessions } from './federated-sessions';
import { UpstreamLogout } from './upstream-logout';

const config = { issuer: 'https://id.example', keyEncryptionKey: randomBytes(32) } as unknown as AppConfig;
const sessions = (endpoint: string | null) => ({ upstreamLogout: async () => endpoint }) as unknown as FederatedSessions;

describe('UpstreamLogout', () => {
  it('sends a federated session to the upstream end_session_endpoint and opens its own state on the way back', async () => {
    const logout = new UpstreamLogout(sessions('https://sso.acme.kz/logout?client_id=kontur'), config);
    const url = new URL((await logout.redirectFor('00000000-0000-4000-8000-000000000000', 'https://rp.example/bye?state=s'))!);
    expect(url.origin + url.pathname).toBe('https://sso.acme.kz/logout');
    expect(url.searchParams.get('client_id')).toBe('kontur');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('https://id.example/interaction/federated/logged-out');
    expect(logout.open(url.searchParams.get('state')!)).toBe('https://rp.example/bye?state=s');
  });

  it('does nothing for a session that did not come through an upstream with logout', async () => {
    expect(await new UpstreamLogout(sessions(null), config).redirectFor('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('refuses a state it did not seal, or one sealed under another key', async () => {
    const logout = new UpstreamLogout(sessions('https://sso.acme.kz/logout'), config);
    const state = new URL((await logout.redirectFor('00000000-0000-4000-8000-000000000000', 'https://rp.example/bye'))!).searchParams.get('state')!;
    const [body] = state.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'https://evil.example', exp: 9e9 })).toString('base64url');
    expect(logout.open(`${forged}.${state.split('.')[1]}`)).toBeNull();
    expect(logout.open(body)).toBeNull();
    const other = new UpstreamLogout(sessions(null), { ...config, keyEncryptionKey: randomBytes(32) } as AppConfig);
    expect(other.open(state)).toBeNull();
  });
});
