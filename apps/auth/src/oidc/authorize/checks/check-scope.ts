import { InvalidRequest, InvalidScope } from '../../errors/oauth.errors';
import { ResourcesService, USER_SCOPES } from '../../resources.service';
import { AuthorizeContext } from '../authorize-context';

/**
 * Scopes the provider does not know are ignored (OpenID Connect Core 3.1.2.1); known scopes the
 * client is not allowed to ask for are invalid_scope. offline_access is dropped for clients
 * without the refresh_token grant.
 */
export function checkScope(resources: ResourcesService) {
  return async function checkScope(ctx: AuthorizeContext): Promise<void> {
    const asked = [...new Set((ctx.params.scope ?? '').split(' ').filter(Boolean))];
    if (!asked.length) throw new InvalidRequest('scope is required');
    const apiScopes = (await resources.forScopes(asked)).flatMap((r) => r.scopes);
    const known = asked.filter((s) => USER_SCOPES.includes(s) || apiScopes.includes(s));
    const allowed = ctx.client!.metadata.scope.split(' ');
    const refused = known.filter((s) => !allowed.includes(s) && s !== 'openid');
    if (refused.length) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
    let scopes = known;
    if (!ctx.client!.metadata.grant_types.includes('refresh_token')) scopes = scopes.filter((s) => s !== 'offline_access');
    if (!scopes.length) throw new InvalidScope('none of the requested scopes is available');
    ctx.request.scopes = scopes;
  };
}
