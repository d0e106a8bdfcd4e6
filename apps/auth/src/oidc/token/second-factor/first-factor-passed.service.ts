import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { GrantsService } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { SecondFactorGate } from '../../../second-factor/second-factor.gate';
import { TokenResponse } from '../grant-handler';
import { TokenSetService } from '../token-set.service';
import { requiredFactors } from './factor-grant-types';
import { PartialFactorTokensService } from './partial-factor-tokens.service';
import { SecondFactorRequired } from './second-factor-required.error';

/**
 * What a direct grant does once its first factor (a password, a certificate) has passed: tokens, or,
 * for an account that needs a second factor, the partial_factor_token continuation the factor grants
 * finish. One place, so every first factor answers alike.
 */
@Injectable()
export class FirstFactorPassedService {
  constructor(
    private readonly secondFactor: SecondFactorGate,
    private readonly partial: PartialFactorTokensService,
    private readonly grants: GrantsService,
    private readonly tokens: TokenSetService,
    private readonly issuer: TokenIssuerService,
  ) {}

  /** Tokens with `amr`, or 400 invalid_grant with `partial_factor_token` and `required_factors`. */
  async continue(client: Client, sub: string, scopes: string[], amr: string[]): Promise<TokenResponse> {
    const factors = await this.secondFactor.needed(client, sub);
    if (factors && !factors.enrolled) throw new InvalidGrant('this account must set up a second factor first; it can do so by signing in through the browser');
    if (factors) throw new SecondFactorRequired(await this.partial.issue(client.clientId, sub, scopes, amr), requiredFactors(factors));
    return this.issue(client, sub, scopes, amr);
  }

  /** Tokens for the user: an access token, an ID token for openid, a refresh token for offline_access. */
  async issue(client: Client, sub: string, scopes: string[], amr: string[]): Promise<TokenResponse> {
    const target = await this.tokens.target(scopes, null);
    const outcome = await this.grants.db.transaction(async (tx) => {
      const grant = await this.grants.createGrant(tx, { clientId: client.clientId, userId: sub, scopes, sessionId: null, authTime: new Date(), amr });
      const refresh = this.tokens.wantsRefreshToken(client, scopes) ? await this.grants.issueRefreshToken(tx, grant, scopes, this.issuer.refreshTokenTtl(client)) : undefined;
      return { grant, refresh };
    });
    return this.tokens.forUser(client, outcome.grant, target, { refreshToken: outcome.refresh, withIdToken: true });
  }
}
