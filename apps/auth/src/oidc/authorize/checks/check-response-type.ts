import { InvalidRequest, UnauthorizedClient, UnsupportedResponseType } from '../../errors/oauth.errors';
import { RESPONSE_MODES, defaultResponseMode } from '../../response-modes/response-mode';
import { SUPPORTED_RESPONSE_TYPES, normaliseResponseType } from '../../clients/client-metadata.validator';
import { AuthorizeContext } from '../authorize-context';

/** The response mode is settled first, so that even a bad response_type is answered the right way. */
export function checkResponseMode(ctx: AuthorizeContext): void {
  const type = normaliseResponseType(ctx.params.response_type ?? 'code');
  const mode = ctx.params.response_mode;
  ctx.responseMode = defaultResponseMode(type);
  if (mode === undefined) return;
  if (!RESPONSE_MODES[mode]) throw new InvalidRequest(`unsupported response_mode ${mode}`);
  // Tokens never travel in the query (OAuth 2.0 Multiple Response Types 2.1).
  if (mode === 'query' && type !== 'code' && type !== 'none') {
    ctx.responseMode = defaultResponseMode(type);
    throw new InvalidRequest('response_mode query is not allowed for this response_type');
  }
  ctx.responseMode = mode;
}

export function checkResponseType(ctx: AuthorizeContext): void {
  const type = ctx.params.response_type;
  if (!type) throw new InvalidRequest('response_type is required');
  const normalised = normaliseResponseType(type);
  if (!SUPPORTED_RESPONSE_TYPES.includes(normalised)) throw new UnsupportedResponseType(`response_type ${type} is not supported`);
  if (!ctx.client!.metadata.response_types.includes(normalised)) {
    throw new UnauthorizedClient(`this client may not use response_type ${type}`);
  }
  ctx.request.response_type = normalised;
  ctx.request.response_mode = ctx.responseMode;
}

/** An ID token from the authorization endpoint must carry a nonce (OpenID Connect Core 3.2.2.1, 3.3.2.11). */
export function checkNonceRequired(ctx: AuthorizeContext): void {
  if (ctx.request.response_type!.split(' ').includes('id_token') && !ctx.params.nonce) {
    throw new InvalidRequest('nonce is required when an id_token is returned from the authorization endpoint');
  }
}

/** ID tokens are for OpenID Connect requests only. */
export function checkOpenidForIdToken(ctx: AuthorizeContext): void {
  if (ctx.request.response_type!.split(' ').includes('id_token') && !ctx.request.scopes!.includes('openid')) {
    throw new InvalidRequest('response_type id_token requires the openid scope');
  }
}
