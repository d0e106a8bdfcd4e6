import { Controller, Delete, Get, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from './dto/errors.dto';
import { BusClient } from '@idp/bus';
import { ConsentRecord, ConsentRevokeError, ConsentSubjects } from '@idp/contracts';
import { GrantsService } from '../oidc/tokens/grants.service';
import { AdminGuard } from './admin.guard';
import { NotFoundError } from './admin-errors';

const toHttp = {
  consent_not_found: () => new NotFoundError('consent'),
} satisfies Record<ConsentRevokeError, () => Error>;

const view = (c: ConsentRecord) => ({ client_id: c.clientId, scopes: c.scopes, granted_at: c.grantedAt, resources: c.resources, last_used_at: c.lastUsedAt });

/**
 * What a user has allowed which clients, and taking it back. Consents live in the consent app;
 * the grants built on them live here, so a revocation touches both.
 */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/users/:id/consents')
@UseGuards(AdminGuard)
export class AdminUserConsentsController {
  constructor(
    private readonly bus: BusClient,
    private readonly grants: GrantsService,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'client_id, scopes, granted_at, resources, last_used_at of each consent' })
  async list(@Param('id') userId: string) {
    return (await this.bus.value(ConsentSubjects.consentList, { userId })).map(view);
  }

  /**
   * The consent goes first, so the next authorization asks again; then every grant of the user
   * for the client, which kills its refresh tokens and (through `gid`) its access tokens on every
   * instance, since introspection and UserInfo read the grant from the database.
   */
  @Delete(':clientId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the consent is gone and every grant of the user for the client revoked' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async revoke(@Param('id') userId: string, @Param('clientId') clientId: string): Promise<void> {
    const reply = await this.bus.request(ConsentSubjects.consentRevoke, { userId, clientId });
    if (!reply.ok) throw toHttp[reply.code]();
    await this.grants.revokeUserClientGrants(userId, clientId, 'consent revoked by an administrator');
  }
}
