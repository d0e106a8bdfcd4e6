import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountSubjects, AccountsSubjects } from '@idp/contracts';
import { AdminGuard } from '../admin/admin.guard';
import { NotFoundError } from '../admin/admin-errors';

/** A user's security trail for an administrator: newest first, `?limit=` up to 500 (default 100). */
@Controller('admin/users/:id/audit')
@UseGuards(AdminGuard)
export class AdminUserAuditController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  async list(@Param('id') id: string, @Query('limit') limit?: string) {
    const found = await this.bus.value(AccountsSubjects.userSearch, { query: id, limit: 1 });
    if (!found.users.some((u) => u.id === id)) throw new NotFoundError('user');
    return this.bus.value(AccountSubjects.auditList, { sub: id, limit: Number(limit) || 100 });
  }
}
