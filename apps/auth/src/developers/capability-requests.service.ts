import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClientMetadata, GrantType } from '@idp/domain';
import { ClientsService } from '../oidc/clients/clients.service';
import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { AuthClock } from '../clock';
import { DevelopersError, changedRows, invalidInput } from './developers-errors';

/** Partner capabilities an integrator may ask for, and what approving each one turns on. */
export const CAPABILITIES = {
  trusted_phone: () => ({ trusted_phone_enabled: true }),
  trusted: (m: ClientMetadata) => ({ grant_types: withGrant(m, 'trusted') }),
  jwt_bearer: (m: ClientMetadata) => ({ grant_types: withGrant(m, 'urn:ietf:params:oauth:grant-type:jwt-bearer') }),
  password: (m: ClientMetadata) => ({ grant_types: withGrant(m, 'password') }),
} as const satisfies Record<string, (m: ClientMetadata) => Partial<ClientMetadata>>;
export type Capability = keyof typeof CAPABILITIES;
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

function withGrant(m: ClientMetadata, grant: GrantType): GrantType[] {
  return [...new Set([...m.grant_types, grant])];
}

export type RequestStatus = 'pending' | 'approved' | 'rejected';

export interface CapabilityRequest {
  id: string;
  client_id: string;
  capability: Capability;
  status: RequestStatus;
  requested_by: string;
  requested_at: string;
  decided_at: string | null;
  reason: string | null;
}

interface Row extends Omit<CapabilityRequest, 'requested_at' | 'decided_at'> {
  requested_at: Date;
  decided_at: Date | null;
}
const view = (r: Row): CapabilityRequest => ({
  ...r,
  requested_at: new Date(r.requested_at).toISOString(),
  decided_at: r.decided_at ? new Date(r.decided_at).toISOString() : null,
});
const COLUMNS = 'id::text AS id, client_id, capability, status, requested_by, requested_at, decided_at, reason';

/**
 * Requests for partner capabilities: pending until an administrator approves (which turns the
 * capability on for the client) or rejects them.
 */
@Injectable()
export class CapabilityRequestsService {
  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly clients: ClientsService,
    private readonly clock: AuthClock,
  ) {}

  async request(clientId: string, sub: string, capability: unknown): Promise<CapabilityRequest> {
    if (typeof capability !== 'string' || !CAPABILITY_NAMES.includes(capability as Capability)) {
      throw invalidInput(`capability must be one of ${CAPABILITY_NAMES.join(', ')}`);
    }
    const rows: Row[] = await this.db.query(
      `INSERT INTO auth.capability_requests (id, client_id, capability, status, requested_by, requested_at) VALUES ($1, $2, $3, 'pending', $4, $5)
       ON CONFLICT (client_id, capability) WHERE status = 'pending' DO NOTHING RETURNING ${COLUMNS}`,
      [randomUUID(), clientId, capability, sub, this.clock.now()],
    );
    if (!rows.length) throw new DevelopersError(409, 'conflict', `a request for ${capability} is already pending`);
    return view(rows[0]);
  }

  async forClient(clientId: string): Promise<CapabilityRequest[]> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM auth.capability_requests WHERE client_id = $1 ORDER BY requested_at DESC`, [clientId]);
    return rows.map(view);
  }

  async list(status?: RequestStatus): Promise<CapabilityRequest[]> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM auth.capability_requests WHERE ($1::text IS NULL OR status = $1) ORDER BY requested_at LIMIT 500`,
      [status ?? null],
    );
    return rows.map(view);
  }

  /** Decides a pending request; approving turns the capability on (validated like any admin change). */
  async decide(id: string, approve: boolean, reason?: string): Promise<CapabilityRequest | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const [pending]: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM auth.capability_requests WHERE id = $1`, [id]);
    if (!pending) return null;
    if (pending.status !== 'pending') throw new DevelopersError(409, 'conflict', `the request was already ${pending.status}`);
    if (approve) {
      const client = await this.clients.find(pending.client_id);
      if (!client) return null;
      const change = CAPABILITIES[pending.capability](client.metadata);
      const { metadata, errors } = validateClientMetadata(change as Record<string, unknown>, client.metadata);
      if (Object.keys(errors).length) throw invalidInput(Object.entries(errors).map(([f, e]) => `${f} ${e}`).join('; '));
      await this.clients.update(pending.client_id, metadata);
    }
    const rows = changedRows<Row>(await this.db.query(
      `UPDATE auth.capability_requests SET status = $2, decided_at = $3, reason = $4 WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [id, approve ? 'approved' : 'rejected', this.clock.now(), reason ?? null],
    ));
    if (!rows.length) throw new DevelopersError(409, 'conflict', 'the request was decided meanwhile');
    return view(rows[0]);
  }
}
