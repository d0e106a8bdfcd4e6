import { Injectable, Logger } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountSubjects, AuditContext } from '@idp/contracts';

/** Writes to the user's audit trail in accounts; a trail that cannot be written never fails the action. */
@Injectable()
export class AuditTrailService {
  private readonly logger = new Logger('audit');

  constructor(private readonly bus: BusClient) {}

  async record(type: string, sub: string, context: AuditContext, data?: Record<string, unknown>): Promise<void> {
    try {
      await this.bus.request(AccountSubjects.auditRecord, { type, sub, context, data });
    } catch (err) {
      this.logger.warn(`audit entry ${type} not kept: ${(err as Error).message}`);
    }
  }
}
