import { bindToResource } from '../../resource-indicator';
import { ResourcesService } from '../../resources.service';
import { AuthorizeContext } from '../authorize-context';

/**
 * RFC 8707 2.1: `resource` names one registered API; the authorization, and every token issued
 * from it, is then for that API alone, so its scopes narrow to that API's and the OpenID ones.
 */
export function checkResource(resources: ResourcesService) {
  return async function checkResource(ctx: AuthorizeContext): Promise<void> {
    const asked = ctx.params.resource;
    if (asked === undefined) return;
    const api = await resources.resolveIndicator(asked);
    ctx.request.scopes = bindToResource(ctx.request.scopes!, api);
    ctx.request.resource = api.audience;
  };
}
