import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { AdminGuard } from '../admin/admin.guard';
import { FieldValidationError } from '../admin/admin-errors';
import { AdminAuditService } from './admin-audit.service';

/** GET /admin/audit?limit=&before_id=: the admin API's own log, newest first. */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/audit')
@UseGuards(AdminGuard)
export class AdminAuditController {
  constructor(private readonly audit: AdminAuditService) {}

  @Get()
  @ApiOperation({ summary: 'The admin API calls, newest first' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, 100 by default' })
  @ApiQuery({ name: 'before_id', required: false, description: 'entries older than this id (the next page)' })
  @ApiOkResponse({ description: 'at, method, route, path, status, outcome and ip of each call' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async list(@Query('limit') limit?: unknown, @Query('before_id') beforeId?: unknown) {
    const errors: Record<string, string> = {};
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) errors.limit = 'must be an integer from 1 to 1000';
    if (beforeId !== undefined && (typeof beforeId !== 'string' || !/^[1-9]\d{0,17}$/.test(beforeId))) errors.before_id = 'must be an entry id';
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    return this.audit.list(n, beforeId as string | undefined);
  }
}
