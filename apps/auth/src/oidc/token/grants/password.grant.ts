import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { PasswordThrottleService } from '../../../rate-limit/password-throttle.service';
import { checkScope } from '../../authorize/checks/check-scope';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { ResourcesService } from '../../resources.service';
import { GrantHandler, GrantRequestContext, TokenResponse } from '../grant-handler';
import { FirstFactorPassedService } from '../second-factor/first-factor-passed.service';

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
    private readonly firstFactor: FirstFactorPassedService,
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

    return this.firstFactor.continue(client, verified.value.sub, scopes, ['pwd']);
  }
}
