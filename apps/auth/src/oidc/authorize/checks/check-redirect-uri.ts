import { InvalidRedirectTarget } from '../../errors/oauth.errors';
import { AuthorizeContext } from '../authorize-context';

/** Exact string match against a registered URI (RFC 9700 2.1); failures never redirect. */
export function checkRedirectUri(ctx: AuthorizeContext): void {
  const uri = ctx.params.redirect_uri;
  if (!uri) throw new InvalidRedirectTarget('redirect_uri is required');
  if (!ctx.client!.metadata.redirect_uris.includes(uri)) {
    throw new InvalidRedirectTarget('redirect_uri is not registered for this client');
  }
  ctx.redirectUri = uri;
  ctx.request.redirect_uri = uri;
}
