import { FoundToken } from '../tokens/token-lookup.service';

/** Who is asking: a client, or an API resource with its own credentials. */
export type IntrospectionCaller = { kind: 'client'; clientId: string } | { kind: 'resource'; audience: string };

export const INACTIVE = { active: false } as const;

const audiences = (aud: unknown): string[] => (Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : []);

/**
 * A client may see the tokens issued to it; a resource the access tokens meant for it (its
 * audience). Anything else is indistinguishable from an unknown token.
 */
export function mayIntrospect(caller: IntrospectionCaller, token: FoundToken): boolean {
  if (token.kind === 'other') return false;
  if (caller.kind === 'client') return (token.kind === 'access_token' ? token.claims.client_id : token.row.client_id) === caller.clientId;
  return token.kind === 'access_token' && audiences(token.claims.aud).includes(caller.audience);
}

const epoch = (d: Date) => Math.floor(new Date(d).getTime() / 1000);

/**
 * RFC 7662 2.2. `token_type` is the OAuth token type of RFC 6749 7.1 ("Bearer"), so refresh
 * tokens, which have none, carry no token_type (as node-oidc-provider answers); they also have
 * no audience other than us.
 */
export function introspectionBody(token: FoundToken | null, caller: IntrospectionCaller, issuer: string): Record<string, unknown> {
  if (!token || token.kind === 'other' || !token.active || !mayIntrospect(caller, token)) return { ...INACTIVE };
  if (token.kind === 'refresh_token') {
    const r = token.row;
    return { active: true, iss: issuer, client_id: r.client_id, sub: r.user_id, scope: r.scopes.join(' '), iat: epoch(r.created_at), exp: epoch(r.expires_at) };
  }
  const c = token.claims;
  return { active: true, iss: c.iss, client_id: c.client_id, sub: c.sub, aud: c.aud, scope: c.scope, iat: c.iat, exp: c.exp, jti: c.jti, token_type: 'Bearer' };
}
