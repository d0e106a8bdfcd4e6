import { createLocalJWKSet, jwtVerify } from 'jose';
import { Outbound } from '@idp/outbound';
import { ClaimMapping, UpstreamProvider } from './upstream-providers.service';

/** The upstream said no (its own `error`), or answered something we do not trust. */
export class UpstreamRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
export class UpstreamUntrusted extends Error {}

export interface UpstreamProfile {
  subject: string;
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
}

/**
 * The relying-party half of federation: code for tokens (with the PKCE verifier), the id_token
 * checked against the upstream's JWKS (issuer, audience, expiry, nonce), userinfo, claim mapping.
 * Every request goes through the outbound guard.
 */
export async function redeemCode(
  outbound: Outbound,
  provider: UpstreamProvider,
  secret: string,
  input: { code: string; codeVerifier: string; nonce: string; redirectUri: string },
): Promise<{ profile: UpstreamProfile; claims: Record<string, unknown> }> {
  const basic = Buffer.from(`${encodeURIComponent(provider.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  const res = await outbound
    .fetch(provider.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', Authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier }).toString(),
    })
    .catch(() => {
      throw new UpstreamUntrusted('token endpoint unreachable');
    });
  const tokens = parseJson(res.text);
  if (!res.ok) throw new UpstreamRefused(typeof tokens?.error === 'string' ? tokens.error : `token endpoint answered ${res.status}`);
  if (!tokens || typeof tokens.access_token !== 'string') throw new UpstreamUntrusted('no access_token');

  let claims: Record<string, unknown> = {};
  if (provider.kind === 'oidc') {
    if (typeof tokens.id_token !== 'string') throw new UpstreamUntrusted('no id_token');
    const jwks = parseJson((await outbound.fetch(provider.jwksUri!).catch(() => ({ text: '' }))).text);
    if (!jwks || !Array.isArray(jwks.keys)) throw new UpstreamUntrusted('no JWKS');
    try {
      const { payload } = await jwtVerify(tokens.id_token, createLocalJWKSet(jwks as never), { issuer: provider.issuer!, audience: provider.clientId, clockTolerance: 30 });
      if (payload.nonce !== input.nonce) throw new Error('nonce');
      claims = { ...payload };
    } catch {
      throw new UpstreamUntrusted('id_token failed validation');
    }
  }
  if (provider.userinfoEndpoint) {
    const info = await outbound.fetch(provider.userinfoEndpoint, { headers: { Authorization: `Bearer ${tokens.access_token}`, Accept: 'application/json' } }).catch(() => null);
    const body = info?.ok ? parseJson(info.text) : null;
    if (provider.kind === 'oauth2' && !body) throw new UpstreamUntrusted('userinfo unreadable');
    // OpenID Connect Core 5.3.2: userinfo about another subject is ignored.
    if (body && (provider.kind === 'oauth2' || body.sub === claims.sub)) claims = { ...body, ...claims };
  }
  return { profile: mapProfile(claims, provider.claimMapping), claims };
}

/** Our profile from the upstream's claims; a missing or empty subject is untrusted. */
export function mapProfile(claims: Record<string, unknown>, mapping: ClaimMapping): UpstreamProfile {
  const pick = (ours: keyof ClaimMapping) => claims[mapping[ours] ?? ours];
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
  const subject = str(pick('sub'));
  if (!subject || subject.length > 255) throw new UpstreamUntrusted('no subject');
  const verified = pick('email_verified');
  return {
    subject,
    email: str(pick('email')),
    email_verified: verified === undefined ? undefined : verified === true || verified === 'true',
    given_name: str(pick('given_name')),
    family_name: str(pick('family_name')),
    phone_number: str(pick('phone_number')),
  };
}

function parseJson(text: string): Record<string, any> | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
