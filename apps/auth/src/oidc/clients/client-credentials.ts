import type { FastifyRequest } from 'fastify';
import { TokenEndpointAuthMethod } from '@idp/domain';
import { InvalidClient, InvalidRequest } from '../errors/oauth.errors';

/** Kontur's limit: client_id and client_secret are at most 300 characters each. */
export const MAX_CREDENTIAL_LENGTH = 300;

export interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  clientSecret?: string;
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

/** Reads how the client authenticates: HTTP Basic, the form body, or client_id alone (public). */
export function presentedCredentials(req: FastifyRequest, body: Record<string, unknown>): PresentedCredentials {
  const header = req.headers.authorization;
  const bodyId = typeof body.client_id === 'string' ? body.client_id : undefined;
  const bodySecret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  let creds: PresentedCredentials;

  if (header && /^basic /i.test(header)) {
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
