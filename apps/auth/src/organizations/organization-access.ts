import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { OrganisationsSubjects as S } from '@idp/contracts';
import { Client } from '../oidc/clients/clients.service';

/**
 * Clients limited to members of given organisations (`allowed_organizations`) or to
 * organisation administrators (`admins_only`: owner or admin of an allowed organisation, or of
 * any when the client names none).
 */
@Injectable()
export class OrganizationAccess {
  constructor(private readonly bus: BusClient) {}

  async refusal(client: Client, userId: string): Promise<'members_only' | 'admins_only' | null> {
    const allowed = client.metadata.allowed_organizations;
    const adminsOnly = client.metadata.admins_only === true;
    if (!allowed?.length && !adminsOnly) return null;
    const memberships = await this.bus.value(S.memberships, { sub: userId });
    const inScope = allowed?.length ? memberships.filter((m) => allowed.includes(m.organization_id)) : memberships;
    if (!inScope.length) return allowed?.length ? 'members_only' : 'admins_only';
    if (adminsOnly && !inScope.some((m) => m.role === 'owner' || m.role === 'admin')) return 'admins_only';
    return null;
  }
}
