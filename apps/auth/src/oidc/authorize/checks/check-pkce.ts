import { InvalidRequest } from '../../errors/oauth.errors';
import { PKCE_VALUE } from '../../pkce';
import { AuthorizeContext } from '../authorize-context';

/** PKCE (RFC 7636): only S256; required for public clients (RFC 9700 2.1.1). */
export function checkPkce(ctx: AuthorizeContext): void {
  const { code_challenge: challenge, code_challenge_method: method } = ctx.params;
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    const codeFlow = ctx.request.response_type!.split(' ').includes('code');
    if (ctx.client!.isPublic && codeFlow) throw new InvalidRequest('PKCE (code_challenge with S256) is required for public clients');
    return;
  }
  if ((method ?? 'plain') !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!PKCE_VALUE.test(challenge)) throw new InvalidRequest('code_challenge must be 43-128 characters of [A-Za-z0-9-._~]');
  ctx.request.code_challenge = challenge;
  ctx.request.code_challenge_method = 'S256';
}
