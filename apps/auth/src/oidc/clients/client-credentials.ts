import type { FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { TokenEndpointAuthMethod } from '@idp/domain';
import { InvalidClient, InvalidRequest } from '../errors/oauth.errors';

/** Kontur's limit: client_id and client_secret are at most 300 characters each. */
export const MAX_CREDENTIAL_LENGTH = 300;

/** RFC 7523 2.2: the only client_assertion_type we accept. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Generous for an RS256 assertion with a few claims; anything larger is not one of ours to parse. */
const MAX_ASSERTION_LENGTH = 8192;

export interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  clientSecret?: string;
  /** The client_assertion (client_secret_jwt or private_key_jwt), not yet verified. */
  assertion?: string;
}

/** A failed HTTP Basic authentication answers 401 with a challenge (RFC 6749 5.2). */
export function basicChallenge(err: InvalidClient): InvalidClient {
  err.headers['WWW-Authenticate'] = 'Basic realm="token", charset="UTF-8"';
  return err;
}

function decodeBasicPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw basicChallenge(new InvalidClient('client credentials in the Authorization header are not form-encoded'));
  }
}

/**
 * RFC 7523 3: the client is the assertion's `sub` (and `iss`). HS256 means the client secret is the
 * key (client_secret_jwt); any other algorithm means the client's own key (private_key_jwt). The
 * signature and claims are checked once the client is known.
 */
function assertionCredentials(assertion: unknown, type: unknown, bodyId: string | undefined): PresentedCredentials {
  if (type !== JWT_BEARER_ASSERTION) throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
  if (typeof assertion !== 'string' || assertion.length > MAX_ASSERTION_LENGTH) throw new InvalidClient('the client assertion is not a JWT');
  let alg: unknown;
  let sub: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    sub = decodeJwt(assertion).sub;
  } catch {
    throw new InvalidClient('the client assertion is not a JWT');
  }
  if (typeof sub !== 'string' || !sub) throw new InvalidClient('the client assertion has no sub');
  if (bodyId !== undefined && bodyId !== sub) throw new InvalidClient('client_id differs from the client assertion sub');
  return { method: alg === 'HS256' ? 'client_secret_jwt' : 'private_key_jwt', clientId: sub, assertion };
}

/** Reads how the client authenticates: HTTP Basic, the form body, a signed assertion, or client_id alone (public). */
export function presentedCredentials(req: FastifyRequest, body: Record<string, unknown>): PresentedCredentials {
  const header = req.headers.authorization;
  const bodyId = typeof body.client_id === 'string' ? body.client_id : undefined;
  const bodySecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  const hasAssertion = body.client_assertion !== undefined || body.client_assertion_type !== undefined;
  let creds: PresentedCredentials;

  if (hasAssertion) {
    if ((header && /^basic /i.test(header)) || bodySecret !== undefined) throw new InvalidRequest('client authentication must use only one method');
    creds = assertionCredentials(body.client_assertion, body.client_assertion_type, bodyId);
  } else if (header && /^basic /i.test(header)) {
    if (bodySecret !== undefined) throw new InvalidRequest('client authentication must use only one method');
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw basicChallenge(new InvalidClient('malformed HTTP Basic credentials'));
    creds = {
      method: 'client_secret_basic',
      clientId: decodeBasicPart(decoded.slice(0, colon)),
      clientSecret: decodeBasicPart(decoded.slice(colon + 1)),
    };
    if (bodyId !== undefined && bodyId !== creds.clientId) throw new InvalidRequest('client_id in the body differs from the Authorization header');
  } else if (bodySecret !== undefined) {
    if (!bodyId) throw new InvalidRequest('client_secret without client_id');
    creds = { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
  } else if (bodyId) {
    creds = { method: 'none', clientId: bodyId };
  } else {
    throw new InvalidClient('no client authentication was included');
  }
  if (creds.clientId.length > MAX_CREDENTIAL_LENGTH || (creds.clientSecret?.length ?? 0) > MAX_CREDENTIAL_LENGTH) {
    const err = new InvalidClient(`client_id and client_secret are at most ${MAX_CREDENTIAL_LENGTH} characters`);
    throw creds.method === 'client_secret_basic' ? basicChallenge(err) : err;
  }
  return creds;
}
