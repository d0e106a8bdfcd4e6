import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { PartnerTokenService } from '../partner/partner-token.service';

/**
 * Kontur's `grant_type=trusted`, literally: an accredited partner sends `token`, a JWT it signed
 * about one of its own users linked beforehand through /api/v1/external-accounts.
 */
@Injectable()
export class TrustedGrant implements GrantHandler {
  readonly grantType = 'trusted';
  readonly parameters = ['token', 'scope', 'resource'] as const;
  readonly required = ['token'] as const;

  constructor(private readonly partner: PartnerTokenService) {}

  handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    return this.partner.exchange(client, params.token, 'token', params);
  }
}
