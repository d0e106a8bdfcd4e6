import { ApiResourceEntity } from '@idp/domain';
import { Client } from '../../clients/clients.service';
import { InvalidScope } from '../../errors/oauth.errors';
import { USER_SCOPES } from '../../resources.service';

/**
 * The scopes of a partner grant's access token: API scopes only (the token carries no grant a
 * UserInfo or refresh could stand on), each allowed for the client and defined by a registered API.
 * Without `scope`, every API scope the client is allowed.
 */
export function partnerScopes(client: Client, asked: string | undefined, apis: ApiResourceEntity[]): string[] {
  const allowed = client.metadata.scope.split(' ').filter(Boolean);
  const defined = (s: string) => apis.some((r) => r.scopes.includes(s));
  if (asked === undefined) {
    const scopes = allowed.filter((s) => !USER_SCOPES.includes(s) && defined(s));
    if (!scopes.length) throw new InvalidScope('this client is allowed no API scope');
    return scopes;
  }
  const scopes = [...new Set(asked.split(' ').filter(Boolean))];
  if (!scopes.length) throw new InvalidScope('scope is empty');
  const userScopes = scopes.filter((s) => USER_SCOPES.includes(s));
  if (userScopes.length) throw new InvalidScope(`only API scopes may be requested with this grant: ${userScopes.join(' ')}`);
  const notAllowed = scopes.filter((s) => !allowed.includes(s));
  if (notAllowed.length) throw new InvalidScope(`scope not allowed for this client: ${notAllowed.join(' ')}`);
  const unknown = scopes.filter((s) => !defined(s));
  if (unknown.length) throw new InvalidScope(`unknown scope: ${unknown.join(' ')}`);
  return scopes;
}
