import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@idp/bus';
import { DomainEventType, DomainEvents } from '@idp/contracts';
import { AuditService } from '../audit/audit.service';

type OrgEventType = Extract<DomainEventType, `organization.${string}`>;

/**
 * Organisation events: published like the user events (JetStream in distributed mode) and kept in
 * the audit trail of the person they concern (the member) and of the person who acted in the cabinet.
 */
@Injectable()
export class OrganizationEvents {
  constructor(
    private readonly events: EventPublisher,
    private readonly audit: AuditService,
  ) {}

  async emit<T extends OrgEventType>(type: T, data: DomainEvents[T]): Promise<void> {
    this.events.publish(type, data);
    const d = data as Record<string, unknown>;
    const people = new Set([d.sub, d.owner_sub, d.actor].filter((v): v is string => typeof v === 'string'));
    for (const sub of people) await this.audit.record(type, sub, {}, d);
  }
}
