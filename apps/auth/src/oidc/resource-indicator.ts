import { ApiResourceEntity } from '@idp/domain';
import { InvalidTarget } from './errors/oauth.errors';
import { USER_SCOPES } from './resources.service';

/**
 * The scopes an access token for one resource may carry: that resource's own and the OpenID
 * Connect ones (they describe the user, not an API). A request with none of the resource's scopes
 * asks for a token the resource would refuse anyway.
 */
export function bindToResource(scopes: string[], resource: ApiResourceEntity): string[] {
  const bound = scopes.filter((s) => USER_SCOPES.includes(s) || resource.scopes.includes(s));
  if (!bound.some((s) => resource.scopes.includes(s))) throw new InvalidTarget(`none of the requested scopes is for the resource ${resource.audience}`);
  return bound;
}

/**
 * RFC 8707 2.2: a grant bound to a resource at authorization keeps it at the token endpoint; a grant
 * that was not may name one per token request.
 */
export function effectiveResource(bound: string | null | undefined, asked: string | undefined): string | null {
  if (asked === undefined) return bound ?? null;
  if (bound && asked !== bound) throw new InvalidTarget('resource differs from the one the authorization was given for');
  return asked;
}
