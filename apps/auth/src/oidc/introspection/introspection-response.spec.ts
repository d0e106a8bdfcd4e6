import { FoundToken } from '../tokens/token-lookup.service';
import { introspectionBody, mayIntrospect } from './introspection-response';

const ISS = 'https://id.example';
const access = (active = true): FoundToken => ({
  kind: 'access_token',
  active,
  claims: { iss: ISS, sub: 'user-1', aud: [ISS, 'https://api.example'], client_id: 'app', scope: 'openid api', jti: 'j1', iat: 1000, exp: 4600, gid: 'g1', auth_time: 990 },
});
const refresh = (active = true): FoundToken => ({
  kind: 'refresh_token',
  active,
  row: { token_hash: 'h', grant_id: 'g1', client_id: 'app', user_id: 'user-1', scopes: ['openid', 'offline_access'], created_at: new Date(1_000_000), expires_at: new Date(9_000_000), consumed_at: null },
});
const app = { kind: 'client', clientId: 'app' } as const;

describe('introspection answers', () => {
  it('describes an active access token to its client with token_type Bearer and without internal claims', () => {
    expect(introspectionBody(access(), app, ISS)).toEqual({
      active: true, iss: ISS, client_id: 'app', sub: 'user-1', aud: [ISS, 'https://api.example'], scope: 'openid api', iat: 1000, exp: 4600, jti: 'j1', token_type: 'Bearer',
    });
  });

  it('describes a refresh token without token_type or aud', () => {
    expect(introspectionBody(refresh(), app, ISS)).toEqual({ active: true, iss: ISS, client_id: 'app', sub: 'user-1', scope: 'openid offline_access', iat: 1000, exp: 9000 });
  });

  it('lets a resource see only access tokens meant for its audience', () => {
    const api = { kind: 'resource', audience: 'https://api.example' } as const;
    const other = { kind: 'resource', audience: 'https://billing.example' } as const;
    expect(mayIntrospect(api, access())).toBe(true);
    expect(mayIntrospect(other, access())).toBe(false);
    expect(mayIntrospect(api, refresh())).toBe(false);
  });

  it('answers only {"active": false} for inactive, unknown, foreign or non-introspectable tokens', () => {
    const stranger = { kind: 'client', clientId: 'other' } as const;
    for (const [token, caller] of [[access(false), app], [refresh(false), app], [null, app], [access(), stranger], [refresh(), stranger], [{ kind: 'other' }, app]] as const) {
      expect(introspectionBody(token as FoundToken | null, caller, ISS)).toEqual({ active: false });
    }
  });
});
