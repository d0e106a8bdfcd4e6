import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccountSubjects, AuditListRequest, AuditRecordRequest, ok } from '@idp/contracts';
import { AuditService } from './audit.service';

/** The audit trail over the bus: auth records what it sees (sign-ins, cabinet actions) and reads it back. */
@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @MessagePattern(AccountSubjects.auditRecord)
  async record(@Payload() req: AuditRecordRequest) {
    const data = req.data && typeof req.data === 'object' && !Array.isArray(req.data) ? req.data : {};
    return ok({ recorded: await this.audit.record(String(req.type), String(req.sub), req.context ?? {}, data) });
  }

  @MessagePattern(AccountSubjects.auditList)
  async list(@Payload() req: AuditListRequest) {
    return ok(await this.audit.list(String(req.sub), req.limit));
  }
}
