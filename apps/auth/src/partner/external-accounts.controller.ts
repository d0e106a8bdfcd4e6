import { Controller, Delete, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { ExternalAccountDto, LinkExternalAccountDto } from './dto/partner.dto';
import type { FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, PhoneResolveError } from '@idp/contracts';
import { ConflictError, FieldValidationError, NotFoundError } from '../admin/admin-errors';
import { Client, ClientsService } from '../oidc/clients/clients.service';
import { PARTNER_GRANT_TYPES } from '../oidc/clients/client-metadata.validator';
import { UnauthorizedClient } from '../oidc/errors/oauth.errors';
import { singleValued } from '../oidc/params';
import { TokenIssuerService } from '../oidc/tokens/token-issuer.service';
import { ExternalAccountsService, MAX_SERVICE_USER_ID_LENGTH } from './external-accounts.service';

/** Unknown and unverified phones answer alike: a partner must not learn which accounts exist. */
const toHttp = {
  invalid_input: () => new FieldValidationError({ phone: 'not a valid phone number' }),
  not_found: () => new FieldValidationError({ phone: 'no account has this phone number verified' }),
} satisfies Record<PhoneResolveError, () => Error>;

/**
 * POST /api/v1/external-accounts and DELETE /api/v1/external-accounts/:service_user_id: a partner
 * links its own user id to the account that has the given phone verified, so that `trusted` and
 * jwt-bearer grants naming that id act for the account. The partner authenticates as at the token
 * endpoint; JSON or form bodies.
 */
@ApiTags('partner')
@ApiBasicAuth('client_secret_basic')
@ApiUnauthorizedResponse({ description: 'the partner failed client authentication (as at the token endpoint)' })
@Controller('api/v1/external-accounts')
export class ExternalAccountsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly links: ExternalAccountsService,
    private readonly issuer: TokenIssuerService,
    private readonly bus: BusClient,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: LinkExternalAccountDto, description: 'JSON or a form' })
  @ApiCreatedResponse({ type: ExternalAccountDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'an unknown and an unverified phone answer alike' })
  @ApiConflictResponse({ type: ApiErrorDto })
  async link(@Req() req: FastifyRequest) {
    const body = singleValued(req.body);
    const client = await this.partner(req, body);
    const errors: Record<string, string> = {};
    const serviceUserId = body.service_user_id;
    if (serviceUserId === undefined) errors.service_user_id = 'is required';
    else if (serviceUserId.length > MAX_SERVICE_USER_ID_LENGTH) errors.service_user_id = `must be at most ${MAX_SERVICE_USER_ID_LENGTH} characters`;
    if (body.phone === undefined) errors.phone = 'is required';
    if (Object.keys(errors).length) throw new FieldValidationError(errors);

    const account = await this.bus.request(AccountsSubjects.phoneResolve, { phone: body.phone });
    if (!account.ok) throw toHttp[account.code]();
    const row = await this.links.link(client.clientId, serviceUserId, account.value.sub);
    if (!row) throw new ConflictError('service_user_id', 'this service_user_id is already linked');
    return {
      service_user_id: row.service_user_id,
      sub: this.issuer.subject(client, row.user_id),
      created_at: new Date(row.created_at).toISOString(),
    };
  }

  @Delete(':serviceUserId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'unlinked' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async unlink(@Req() req: FastifyRequest, @Param('serviceUserId') serviceUserId: string): Promise<void> {
    const client = await this.partner(req, singleValued(req.body));
    if (!(await this.links.unlink(client.clientId, serviceUserId))) throw new NotFoundError('external account');
  }

  /** Only a client allowed a partner grant may link users: for anyone else a link would be dead weight. */
  private async partner(req: FastifyRequest, body: Record<string, string>): Promise<Client> {
    const client = await this.clients.authenticate(req, body);
    if (!client.metadata.grant_types.some((g) => PARTNER_GRANT_TYPES.includes(g))) {
      throw new UnauthorizedClient('this client may not use the trusted or jwt-bearer grant');
    }
    return client;
  }
}
