import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { PartnerTokenService } from '../partner/partner-token.service';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** RFC 7523 2.1: the standard twin of `trusted`, with the JWT in `assertion`; same rules, same answer. */
@Injectable()
export class JwtBearerGrant implements GrantHandler {
  readonly grantType = JWT_BEARER_GRANT;
  readonly parameters = ['assertion', 'scope', 'resource'] as const;
  readonly required = ['assertion'] as const;

  constructor(private readonly partner: PartnerTokenService) {}

  handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    return this.partner.exchange(client, params.assertion, 'assertion', params);
  }
}
