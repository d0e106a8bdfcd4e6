import { Injectable } from '@nestjs/common';
import { DeviceCodesService } from '../../../device/device-codes.service';
import { Client } from '../../clients/clients.service';
import { sha256 } from '../../crypto';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, SlowDown } from '../../errors/oauth.errors';
import { GrantsService } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { TokenSetService } from '../token-set.service';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8628 3.4/3.5: the device polls until the user has decided; one exchange of an approved code succeeds. */
@Injectable()
export class DeviceCodeGrant implements GrantHandler {
  readonly grantType = DEVICE_CODE_GRANT;
  readonly parameters = ['device_code'] as const;
  readonly required = ['device_code'] as const;

  constructor(
    private readonly devices: DeviceCodesService,
    private readonly grants: GrantsService,
    private readonly tokens: TokenSetService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    const polled = await this.devices.poll(params.device_code);
    if (!polled || polled.row.client_id !== client.clientId) throw new InvalidGrant('the device code is invalid');
    const { row, tooFast } = polled;
    if (row.status === 'consumed') throw new InvalidGrant('the device code was already used');
    if (new Date(row.expires_at).getTime() <= Date.now()) throw new ExpiredToken('the device code has expired; start again');
    if (row.status === 'denied') throw new AccessDenied('the user denied the request');
    if (row.status === 'pending') {
      if (tooFast) throw new SlowDown(`polling too fast; wait at least ${row.poll_interval} seconds between requests`);
      throw new AuthorizationPending('the user has not finished yet');
    }

    const target = await this.tokens.target(row.scopes, row.resource);

    const outcome = await this.devices.db.transaction(async (tx) => {
      if (!(await this.devices.consume(tx, row.device_code_hash))) return null;
      const grant = await this.grants.createGrant(tx, {
        clientId: client.clientId,
        userId: row.user_id!,
        scopes: row.scopes,
        sessionId: row.session_id,
        authTime: new Date(row.auth_time!),
        resource: row.resource,
      });
      const refresh = this.tokens.wantsRefreshToken(client, row.scopes)
        ? await this.grants.issueRefreshToken(tx, grant, row.scopes, this.issuer.refreshTokenTtl(client))
        : undefined;
      return { grant, refresh };
    });
    if (!outcome) throw new InvalidGrant('the device code was already used');
    return this.tokens.forUser(client, outcome.grant, target, { refreshToken: outcome.refresh, withIdToken: true });
  }
}
