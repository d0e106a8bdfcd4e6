import { Injectable } from '@nestjs/common';
import { ExternalAccountsService } from '../../../partner/external-accounts.service';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { bindToResource } from '../../resource-indicator';
import { ResourcesService } from '../../resources.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { TokenResponse } from '../grant-handler';
import { GrantAssertionVerifier } from './grant-assertion.verifier';
import { partnerScopes } from './partner-scopes';

/**
 * What `trusted` and jwt-bearer share: the partner's signed JWT names one of its users, linked
 * beforehand to an account; the answer is an access token for that account and nothing else
 * (Kontur: no refresh token, no ID token).
 */
@Injectable()
export class PartnerTokenService {
  constructor(
    private readonly assertions: GrantAssertionVerifier,
    private readonly links: ExternalAccountsService,
    private readonly resources: ResourcesService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async exchange(client: Client, jwt: string, noun: string, params: Record<string, string>): Promise<TokenResponse> {
    const claims = await this.assertions.verify(client, jwt, noun);
    const userId = await this.links.userFor(client.clientId, claims.sub);
    if (!userId) throw new InvalidGrant(`the ${noun} sub is not linked to an account`);

    const apis = await this.resources.forScopes(client.metadata.scope.split(' ').filter(Boolean));
    let scopes = partnerScopes(client, params.scope, apis);
    let audiences = apis.filter((r) => r.scopes.some((s) => scopes.includes(s))).map((r) => r.audience);
    if (params.resource !== undefined) {
      const api = await this.resources.resolveIndicator(params.resource);
      scopes = bindToResource(scopes, api);
      audiences = [api.audience];
    }

    // Last, so a request refused for its scope or resource does not burn the partner's jti.
    if (!(await this.assertions.consume(client, claims))) throw new InvalidGrant(`the ${noun} was already used`);
    const at = await this.issuer.accessToken({ client, sub: this.issuer.subject(client, userId), scopes, audiences });
    return { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, scope: scopes.join(' ') };
  }
}
