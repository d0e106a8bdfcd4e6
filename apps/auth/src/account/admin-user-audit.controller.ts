import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountSubjects, AccountsSubjects } from '@idp/contracts';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { AuditEventDto } from './dto/account-api.dto';
import { AdminGuard } from '../admin/admin.guard';
import { NotFoundError } from '../admin/admin-errors';

/** A user's security trail for an administrator: newest first, `?limit=` up to 500 (default 100). */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/users/:id/audit')
@UseGuards(AdminGuard)
export class AdminUserAuditController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: "A user's security events, newest first" })
  @ApiQuery({ name: 'limit', required: false, description: 'at most 500, 100 by default' })
  @ApiOkResponse({ type: [AuditEventDto] })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async list(@Param('id') id: string, @Query('limit') limit?: string) {
    const found = await this.bus.value(AccountsSubjects.userSearch, { query: id, limit: 1 });
    if (!found.users.some((u) => u.id === id)) throw new NotFoundError('user');
    return this.bus.value(AccountSubjects.auditList, { sub: id, limit: Number(limit) || 100 });
  }
}
