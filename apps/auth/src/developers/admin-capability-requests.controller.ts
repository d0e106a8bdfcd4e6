import { Body, Controller, Get, HttpCode, HttpException, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../admin/admin.guard';
import { FieldValidationError, NotFoundError } from '../admin/admin-errors';
import { CapabilityRequestsService, RequestStatus } from './capability-requests.service';
import { DevelopersError } from './developers-errors';

const STATUSES: RequestStatus[] = ['pending', 'approved', 'rejected'];

/** Integrators' requests for partner capabilities, for an administrator to approve or reject. */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@Controller('admin/capability-requests')
@UseGuards(AdminGuard)
export class AdminCapabilityRequestsController {
  constructor(private readonly requests: CapabilityRequestsService) {}

  @Get()
  async list(@Query('status') status?: string) {
    if (status !== undefined && !STATUSES.includes(status as RequestStatus)) throw new FieldValidationError({ status: `one of ${STATUSES.join(', ')}` });
    return this.requests.list(status as RequestStatus | undefined);
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@Param('id') id: string, @Body() body: unknown) {
    return this.decide(id, true, body);
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(@Param('id') id: string, @Body() body: unknown) {
    return this.decide(id, false, body);
  }

  private async decide(id: string, approve: boolean, body: unknown) {
    const reason = body && typeof body === 'object' && typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason.slice(0, 500) : undefined;
    try {
      const decided = await this.requests.decide(id, approve, reason);
      if (!decided) throw new NotFoundError('capability request');
      return decided;
    } catch (err) {
      if (err instanceof DevelopersError) throw new HttpException({ error: err.error, error_description: err.description }, err.status);
      throw err;
    }
  }
}
