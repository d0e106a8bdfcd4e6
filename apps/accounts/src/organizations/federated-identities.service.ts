import { EventPublisher } from '@idp/bus';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  BusReply, FederatedLinkError, FederatedLinkRequest, FederatedSignIn, FederatedSignInDetails, FederatedSignInError, FederatedSignInRequest, FederatedUnlinkRequest, FederatedUnlinked, fail, ok,
} from '@idp/contracts';
import { normaliseEmail } from '../users/identifiers';
import { OrganizationsService } from './organizations.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const text = (v: unknown, max = 100) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);

/**
 * Accounts reached through an organisation's own identity provider: found by the stored link
 * (provider, upstream subject), or created just in time. An account that already has the address
 * is never taken over by an e-mail match: its owner signs in to it first, then it is linked.
 */
@Injectable()
export class FederatedIdentitiesService {
  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly events: EventPublisher,
  ) {}

  async signIn(req: FederatedSignInRequest): Promise<BusReply<FederatedSignIn, FederatedSignInError, FederatedSignInDetails>> {
    const bad = invalid(req);
    if (bad) return fail('invalid_input', bad);
    const email = req.email ? normaliseEmail(String(req.email)) : null;
    let joined = false;
    const outcome = await this.db.transaction(async (tx) => {
      const [linked] = await tx.query(
        `SELECT u.id, u.locked_at FROM accounts.federated_identities f JOIN accounts.users u ON u.id = f.user_id WHERE f.provider_id = $1 AND f.subject = $2`,
        [req.provider_id, req.subject],
      );
      if (linked) {
        if (linked.locked_at) return fail('locked', 'the account is locked');
        joined = await this.organizations.join(tx, req.organization_id, linked.id);
        return ok({ sub: linked.id as string, created: false });
      }
      if (email) {
        const [holder] = await tx.query(`SELECT id FROM accounts.users WHERE email = $1`, [email]);
        if (holder) return fail('link_required', 'an account has this e-mail; sign in to it to link', { holder: holder.id as string });
      }
      const id = randomUUID();
      await tx.query(
        `INSERT INTO accounts.users (id, login, email, email_verified, given_name, family_name) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, `u${randomBytes(6).toString('hex')}`, email, !!email && req.email_verified !== false, text(req.given_name), text(req.family_name)],
      );
      await tx.query(`INSERT INTO accounts.federated_identities (provider_id, subject, user_id) VALUES ($1, $2, $3)`, [req.provider_id, req.subject, id]);
      joined = await this.organizations.join(tx, req.organization_id, id);
      return ok({ sub: id, created: true });
    });
    if (outcome.ok && outcome.value.created) this.events.publish('user.registered', { sub: outcome.value.sub, method: 'federated' });
    if (outcome.ok && joined) await this.organizations.joinedThroughFederation(req.organization_id, outcome.value.sub);
    return outcome;
  }

  /** Called only after the person proved control of the account (password or a code) in this sign-in. */
  async link(req: FederatedLinkRequest): Promise<BusReply<FederatedSignIn, FederatedLinkError>> {
    const bad = invalid(req);
    if (bad) return fail('invalid_input', bad);
    if (!UUID.test(String(req.sub))) return fail('not_found', 'no such user');
    let joined = false;
    const outcome = await this.db.transaction(async (tx) => {
      const [user] = await tx.query(`SELECT id FROM accounts.users WHERE id = $1 FOR UPDATE`, [req.sub]);
      if (!user) return fail('not_found', 'no such user');
      const rows = await tx.query(
        `INSERT INTO accounts.federated_identities (provider_id, subject, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id`,
        [req.provider_id, req.subject, req.sub],
      );
      if (!rows.length) {
        const [existing] = await tx.query(`SELECT user_id FROM accounts.federated_identities WHERE provider_id = $1 AND subject = $2`, [req.provider_id, req.subject]);
        if (existing?.user_id !== req.sub) return fail('subject_taken', 'this upstream identity is linked to another account');
      }
      joined = await this.organizations.join(tx, req.organization_id, req.sub);
      return ok({ sub: req.sub, created: false });
    });
    if (outcome.ok && joined) await this.organizations.joinedThroughFederation(req.organization_id, req.sub);
    return outcome;
  }

  /** The providers are gone: their upstream identities are forgotten, so they sign no one in again. */
  async unlink(req: FederatedUnlinkRequest): Promise<BusReply<FederatedUnlinked, 'invalid_input'>> {
    const ids = Array.isArray(req.provider_ids) ? req.provider_ids.map(String) : null;
    if (!ids || ids.some((id) => !UUID.test(id))) return fail('invalid_input', 'provider_ids: a list of ids');
    if (!ids.length) return ok({ removed: 0 });
    const result = await this.db.query(`DELETE FROM accounts.federated_identities WHERE provider_id = ANY($1::uuid[]) RETURNING user_id`, [ids]);
    return ok({ removed: Array.isArray(result[0]) ? result[0].length : 0 });
  }
}

function invalid(req: FederatedSignInRequest): string | null {
  if (!UUID.test(String(req.provider_id))) return 'provider_id: not an id';
  if (!UUID.test(String(req.organization_id))) return 'organization_id: not an id';
  if (typeof req.subject !== 'string' || !req.subject || req.subject.length > 255) return 'subject: 1-255 characters';
  return null;
}
