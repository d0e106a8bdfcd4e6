import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { SecondFactorMethod, SecondFactorSubjects } from '@idp/contracts';
import { Client } from '../../clients/clients.service';
import { InvalidGrant, InvalidRequest } from '../../errors/oauth.errors';
import { withSecondFactor } from '../../../second-factor/second-factor.gate';
import { GrantHandler, GrantRequestContext, TokenResponse } from '../grant-handler';
import { FACTOR_GRANT_TYPES, FactorGrantType } from '../second-factor/factor-grant-types';
import { FirstFactorPassedService } from '../second-factor/first-factor-passed.service';
import { PartialFactorTokensService } from '../second-factor/partial-factor-tokens.service';

const WRONG = {
  wrong_code: 'the code is wrong',
  too_many_attempts: 'too many wrong codes',
  replayed: 'this code was already used; wait for the next one',
  not_enrolled: 'this factor is not on for the account',
  expired: 'the code has expired; request a new one',
  locked: 'the account is locked',
} as const;

/**
 * Completes the password or certificate grant with a second factor: the partial_factor_token it
 * answered plus a code. Allowed to every client that may use either grant.
 */
@Injectable()
abstract class FactorGrant implements GrantHandler {
  abstract readonly method: SecondFactorMethod;
  abstract readonly grantType: FactorGrantType;
  readonly allowedBy = ['password', 'certificate'] as const;
  readonly parameters = ['partial_factor_token', 'code'] as const;
  readonly required: readonly string[] = ['partial_factor_token', 'code'];

  constructor(
    protected readonly bus: BusClient,
    protected readonly partial: PartialFactorTokensService,
    protected readonly firstFactor: FirstFactorPassedService,
  ) {}

  async handle(client: Client, params: Record<string, string>, request: GrantRequestContext): Promise<TokenResponse> {
    const row = await this.partial.live(params.partial_factor_token, client.clientId);
    if (!row) throw new InvalidGrant('the partial_factor_token is invalid, expired, already used or not this client\'s');
    if (this.method === 'sms' && params.code === undefined) return this.sendSms(row, request);
    const verdict = await this.bus.request(SecondFactorSubjects.verify, { sub: row.user_id, method: this.method, code: params.code, challengeId: row.sms_challenge_id ?? undefined });
    if (!verdict.ok) {
      await this.partial.failed(row);
      const err = new InvalidGrant(WRONG[verdict.code]);
      if (verdict.details?.retryAfter) err.headers['Retry-After'] = String(verdict.details.retryAfter);
      throw err;
    }
    if (!(await this.partial.consume(row))) throw new InvalidGrant('the partial_factor_token was already used');
    return this.firstFactor.issue(client, row.user_id, row.scopes, withSecondFactor(row.amr, verdict.value.amr));
  }

  private async sendSms(row: Parameters<PartialFactorTokensService['smsSent']>[0], request: GrantRequestContext): Promise<never> {
    const sent = await this.bus.request(SecondFactorSubjects.smsSend, { sub: row.user_id, ip: request.ip, locale: 'ru' });
    if (!sent.ok) {
      const err = new InvalidGrant(sent.code === 'not_enrolled' ? WRONG.not_enrolled : `a new code cannot be sent yet; try again in ${sent.details?.retryAfter ?? 0} seconds`);
      if (sent.details?.retryAfter) err.headers['Retry-After'] = String(sent.details.retryAfter);
      throw err;
    }
    await this.partial.smsSent(row, sent.value.challengeId);
    throw new InvalidRequest(`a code was sent by SMS to ${sent.value.phoneMasked}; repeat the request with it as code`);
  }
}

@Injectable()
export class TotpFactorGrant extends FactorGrant {
  readonly method = 'totp';
  readonly grantType = FACTOR_GRANT_TYPES.totp;
}

@Injectable()
export class BackupCodeFactorGrant extends FactorGrant {
  readonly method = 'backup_code';
  readonly grantType = FACTOR_GRANT_TYPES.backup_code;
}

/** Without `code` it sends one to the verified phone and answers invalid_request saying so. */
@Injectable()
export class SmsFactorGrant extends FactorGrant {
  readonly method = 'sms';
  readonly grantType = FACTOR_GRANT_TYPES.sms;
  readonly required = ['partial_factor_token'];
}
