import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { InvalidScope } from '../../errors/oauth.errors';
import { bindToResource } from '../../resource-indicator';
import { ResourcesService, USER_SCOPES } from '../../resources.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, TokenResponse } from '../grant-handler';

/**
 * RFC 6749 4.4, as Kontur runs it: `scope` is required and may name only API scopes the client is
 * allowed; the user scopes are refused. Access token only. With `resource` (RFC 8707) the token is
 * for that API alone, with only its scopes.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';
  readonly parameters = ['scope', 'resource'] as const;
  readonly required = ['scope'] as const;

  constructor(
    private readonly resources: ResourcesService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    const scopes = [...new Set(params.scope.split(' ').filter(Boolean))];
    if (!scopes.length) throw new InvalidScope('scope is required');
    const userScopes = scopes.filter((s) => USER_SCOPES.includes(s));
    if (userScopes.length) throw new InvalidScope(`user scopes are not available without a user: ${userScopes.join(' ')}`);
    const allowed = client.metadata.scope.split(' ');
    const notAllowed = scopes.filter((s) => !allowed.includes(s));
    if (notAllowed.length) throw new InvalidScope(`scope not allowed for this client: ${notAllowed.join(' ')}`);
    const resources = await this.resources.forScopes(scopes);
    const unknown = scopes.filter((s) => !resources.some((r) => r.scopes.includes(s)));
    if (unknown.length) throw new InvalidScope(`unknown scope: ${unknown.join(' ')}`);

    let target = { scopes, audiences: resources.map((r) => r.audience) };
    if (params.resource !== undefined) {
      const api = await this.resources.resolveIndicator(params.resource);
      target = { scopes: bindToResource(scopes, api), audiences: [api.audience] };
    }

    const at = await this.issuer.accessToken({ client, sub: client.clientId, scopes: target.scopes, audiences: target.audiences });
    return { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, scope: target.scopes.join(' ') };
  }
}
