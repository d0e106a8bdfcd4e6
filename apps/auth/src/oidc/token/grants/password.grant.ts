import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { PasswordThrottleService } from '../../../rate-limit/password-throttle.service';
import { checkScope } from '../../authorize/checks/check-scope';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { ResourcesService } from '../../resources.service';
import { GrantsService } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, GrantRequestContext, TokenResponse } from '../grant-handler';
import { TokenSetService } from '../token-set.service';
import { SecondFactorGate } from '../../../second-factor/second-factor.gate';
import { requiredFactors } from '../second-factor/factor-grant-types';
import { PartialFactorTokensService } from '../second-factor/partial-factor-tokens.service';
import { SecondFactorRequired } from '../second-factor/second-factor-required.error';

/**
 * The legacy resource owner password grant (RFC 6749 4.3), kept for old integrations: off unless a
 * client lists `password` in its grant_types, and throttled like the login page. The identifier may
 * be the login, the phone or the e-mail.
 */
@Injectable()
export class PasswordGrant implements GrantHandler {
  readonly grantType = 'password';
  readonly parameters = ['username', 'password', 'scope'] as const;
  readonly required = ['username', 'password'] as const;

  constructor(
    private readonly bus: BusClient,
    private readonly throttle: PasswordThrottleService,
    private readonly resources: ResourcesService,
    private readonly grants: GrantsService,
    private readonly tokens: TokenSetService,
    private readonly issuer: TokenIssuerService,
    private readonly secondFactor: SecondFactorGate,
    private readonly partial: PartialFactorTokensService,
  ) {}

  async handle(client: Client, params: Record<string, string>, request: GrantRequestContext): Promise<TokenResponse> {
    const ctx = { params: { scope: params.scope ?? client.metadata.scope }, client, request: {} as { scopes?: string[] } };
    await checkScope(this.resources)(ctx as never);
    const scopes = ctx.request.scopes!;

    const ip = request.ip;
    const wait = await this.throttle.blocked(params.username, ip);
    if (wait !== null) {
      const err = new InvalidGrant(`too many failed attempts; try again in ${wait} seconds`);
      err.headers['Retry-After'] = String(wait);
      throw err;
    }
    const verified = await this.bus.request(AccountsSubjects.passwordVerify, { login: params.username, password: params.password, context: { ip, client_id: client.clientId } });
    if (!verified.ok) {
      await this.throttle.failed(params.username, ip);
      throw new InvalidGrant('the username or password is wrong');
    }

    const sub = verified.value.sub;
    const factors = await this.secondFactor.needed(client, sub);
    if (factors && !factors.enrolled) throw new InvalidGrant('this account must set up a second factor first; it can do so by signing in through the browser');
    if (factors) throw new SecondFactorRequired(await this.partial.issue(client.clientId, sub, scopes, ['pwd']), requiredFactors(factors));
    return this.issue(client, sub, scopes, ['pwd']);
  }

  /** Tokens for the user: an access token, an ID token for openid, a refresh token for offline_access. */
  async issue(client: Client, sub: string, scopes: string[], amr: string[]): Promise<TokenResponse> {
    const outcome = await this.grants.db.transaction(async (tx) => {
      const grant = await this.grants.createGrant(tx, { clientId: client.clientId, userId: sub, scopes, sessionId: null, authTime: new Date(), amr });
      const refresh = this.tokens.wantsRefreshToken(client, scopes) ? await this.grants.issueRefreshToken(tx, grant, scopes, this.issuer.refreshTokenTtl(client)) : undefined;
      return { grant, refresh };
    });
    return this.tokens.forUser(client, outcome.grant, await this.tokens.target(scopes, null), { refreshToken: outcome.refresh, withIdToken: true });
  }
}
