import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import {
  BusReply, DomainClaimError, InviteRequest, MemberSetError, Membership, ORG_ROLES, OrgDomain, OrgError, OrgInvitation, OrgMember, OrgRole,
  Organisation, OrganisationDetails, Route, fail, ok,
} from '@idp/contracts';
import { normaliseEmail, normalisePhone } from '../users/identifiers';
import { normaliseDomain } from './domain-name';
import { OrganizationEvents } from './organization-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
type Row = Record<string, any>;
/** An UPDATE or DELETE ... RETURNING through TypeORM answers [rows, count]. */
const changed = (result: unknown): Row[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as Row[];

/** Organisations, their members and roles, invitations and domains. */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource('accounts') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: OrganizationEvents,
  ) {}

  async create(name: string, ownerSub?: string, actor?: string): Promise<BusReply<Organisation, OrgError | 'user_not_found'>> {
    const clean = cleanName(name);
    if (!clean) return fail('invalid_input', 'name: 1-200 characters');
    if (ownerSub !== undefined && !(await this.userExists(ownerSub))) return fail('user_not_found', 'owner_sub: no such user');
    const id = randomUUID();
    const org = await this.db.transaction(async (tx) => {
      const [row] = await tx.query(`INSERT INTO accounts.organizations (id, name) VALUES ($1, $2) RETURNING *`, [id, clean]);
      if (ownerSub) await tx.query(`INSERT INTO accounts.organization_members (organization_id, user_id, role) VALUES ($1, $2, 'owner')`, [id, ownerSub]);
      return row;
    });
    await this.events.emit('organization.created', { organization_id: id, name: clean, ...(ownerSub ? { owner_sub: ownerSub } : {}), ...by(actor) });
    if (ownerSub) await this.events.emit('organization.member_added', { organization_id: id, sub: ownerSub, role: 'owner', via: actor ? 'cabinet' : 'admin', ...by(actor) });
    return ok(orgView(org));
  }

  async list(): Promise<Organisation[]> {
    return (await this.db.query(`SELECT * FROM accounts.organizations ORDER BY created_at, id`)).map(orgView);
  }

  async get(id: string): Promise<BusReply<OrganisationDetails, OrgError>> {
    const org = await this.find(id);
    if (!org) return fail('not_found', 'no such organization');
    const members = await this.db.query(`SELECT user_id, role, joined_at FROM accounts.organization_members WHERE organization_id = $1 ORDER BY joined_at, user_id`, [id]);
    const domains = await this.db.query(`SELECT * FROM accounts.organization_domains WHERE organization_id = $1 ORDER BY domain`, [id]);
    const invitations = await this.db.query(`SELECT * FROM accounts.organization_invitations WHERE organization_id = $1 ORDER BY created_at, id`, [id]);
    return ok({ ...orgView(org), members: members.map(memberView), domains: domains.map(domainView), invitations: invitations.map(invitationView) });
  }

  async update(id: string, name: string, actor?: string): Promise<BusReply<Organisation, OrgError>> {
    const clean = cleanName(name);
    if (!clean) return fail('invalid_input', 'name: 1-200 characters');
    if (!UUID.test(String(id))) return fail('not_found', 'no such organization');
    const rows = changed(await this.db.query(`UPDATE accounts.organizations SET name = $2, updated_at = now() WHERE id = $1 RETURNING *`, [id, clean]));
    if (!rows[0]) return fail('not_found', 'no such organization');
    await this.events.emit('organization.updated', { organization_id: id, name: clean, ...by(actor) });
    return ok(orgView(rows[0]));
  }

  /** Deletes the organisation with its members, invitations and domains (so its domains stop routing). */
  async remove(id: string, actor?: string): Promise<BusReply<{ id: string }, OrgError>> {
    if (!UUID.test(String(id))) return fail('not_found', 'no such organization');
    const gone = changed(await this.db.query(`DELETE FROM accounts.organizations WHERE id = $1 RETURNING id`, [id]));
    if (!gone.length) return fail('not_found', 'no such organization');
    await this.events.emit('organization.deleted', { organization_id: id, ...by(actor) });
    return ok({ id });
  }

  /** Adds a member or changes their role; an organisation that has an owner keeps at least one. */
  async setMember(id: string, sub: string, role: OrgRole, actor?: string): Promise<BusReply<OrgMember, MemberSetError>> {
    if (!ORG_ROLES.includes(role)) return fail('invalid_input', `role: one of ${ORG_ROLES.join(', ')}`);
    if (!(await this.find(id))) return fail('not_found', 'no such organization');
    if (!(await this.userExists(sub))) return fail('user_not_found', 'sub: no such user');
    const outcome = await this.db.transaction(async (tx) => {
      await this.lockOrg(tx, id);
      const [before] = await tx.query(`SELECT role FROM accounts.organization_members WHERE organization_id = $1 AND user_id = $2`, [id, sub]);
      if (before?.role === 'owner' && role !== 'owner' && (await this.owners(tx, id)) === 1) return fail('last_owner', 'the organization would have no owner');
      const [row] = await tx.query(
        `INSERT INTO accounts.organization_members (organization_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role RETURNING *`,
        [id, sub, role],
      );
      return ok({ member: memberView(row), before: (before?.role ?? null) as OrgRole | null });
    });
    if (!outcome.ok) return outcome;
    const { member, before } = outcome.value;
    if (!before) await this.events.emit('organization.member_added', { organization_id: id, sub, role, via: actor ? 'cabinet' : 'admin', ...by(actor) });
    else if (before !== role) await this.events.emit('organization.member_role_changed', { organization_id: id, sub, role, ...by(actor) });
    return ok(member);
  }

  async removeMember(id: string, sub: string, actor?: string): Promise<BusReply<{ sub: string }, MemberSetError>> {
    if (!UUID.test(String(id)) || !UUID.test(String(sub))) return fail('not_found', 'no such member');
    const outcome = await this.db.transaction(async (tx) => {
      await this.lockOrg(tx, id);
      const [before] = await tx.query(`SELECT role FROM accounts.organization_members WHERE organization_id = $1 AND user_id = $2`, [id, sub]);
      if (!before) return fail('not_found', 'no such member');
      if (before.role === 'owner' && (await this.owners(tx, id)) === 1) return fail('last_owner', 'the organization would have no owner');
      await tx.query(`DELETE FROM accounts.organization_members WHERE organization_id = $1 AND user_id = $2`, [id, sub]);
      return ok({ sub });
    });
    if (outcome.ok) await this.events.emit('organization.member_removed', { organization_id: id, sub, via: !actor ? 'admin' : actor === sub ? 'left' : 'cabinet', ...by(actor) });
    return outcome;
  }

  async invite(req: InviteRequest): Promise<BusReply<OrgInvitation, OrgError>> {
    const role = req.role ?? 'member';
    if (!ORG_ROLES.includes(role)) return fail('invalid_input', `role: one of ${ORG_ROLES.join(', ')}`);
    if (!!req.email === !!req.phone) return fail('invalid_input', 'email: give an e-mail address or a phone, one of them');
    const email = req.email ? normaliseEmail(String(req.email)) : null;
    if (req.email && !email) return fail('invalid_input', 'email: not a valid e-mail address');
    const phone = req.phone ? normalisePhone(String(req.phone), this.config.phoneRegion) : null;
    if (req.phone && !phone) return fail('invalid_input', 'phone: not a valid phone number');
    if (!(await this.find(req.id))) return fail('not_found', 'no such organization');
    const [row] = await this.db.query(
      `INSERT INTO accounts.organization_invitations (id, organization_id, email, phone, role) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [randomUUID(), req.id, email, phone, role],
    );
    await this.events.emit('organization.invitation_created', { organization_id: req.id, invitation_id: row.id, role, channel: email ? 'email' : 'sms', ...by(req.actor) });
    return ok(invitationView(row));
  }

  /** Joins the organisations that invited one of the account's verified identifiers (called after each sign-in). */
  async acceptInvitations(sub: string): Promise<string[]> {
    if (!UUID.test(String(sub))) return [];
    return this.db.transaction(async (tx) => {
      // Every verified phone and address of the account counts, the secondary ones too.
      const accepted = changed(await tx.query(
        `UPDATE accounts.organization_invitations inv SET accepted_at = now(), accepted_by = $1
         WHERE accepted_at IS NULL AND EXISTS (
           SELECT 1 FROM accounts.user_identifiers i
            WHERE i.user_id = $1 AND i.verified AND ((i.kind = 'email' AND i.value = inv.email) OR (i.kind = 'phone' AND i.value = inv.phone)))
         RETURNING organization_id, role`,
        [sub],
      ));
      const joined: Array<{ organization_id: string; role: OrgRole }> = [];
      for (const inv of accepted) {
        const rows: Row[] = await tx.query(
          `INSERT INTO accounts.organization_members (organization_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (organization_id, user_id) DO NOTHING RETURNING organization_id`,
          [inv.organization_id, sub, inv.role],
        );
        if (rows.length) joined.push({ organization_id: inv.organization_id, role: inv.role });
      }
      return { joined, ids: [...new Set(accepted.map((a) => a.organization_id as string))] };
    }).then(async (result) => {
      if (Array.isArray(result)) return result;
      for (const j of result.joined) await this.events.emit('organization.member_added', { organization_id: j.organization_id, sub, role: j.role, via: 'invitation' });
      return result.ids;
    });
  }

  /** Claims a domain for an organisation (unverified, with a fresh token); a domain belongs to one organisation only. */
  async claimDomain(id: string, raw: string, actor?: string): Promise<BusReply<OrgDomain, DomainClaimError>> {
    const domain = normaliseDomain(raw);
    if (!domain) return fail('invalid_input', 'domain: not a domain name');
    if (!(await this.find(id))) return fail('not_found', 'no such organization');
    const token = randomBytes(18).toString('base64url');
    const rows: Row[] = await this.db.query(
      `INSERT INTO accounts.organization_domains (domain, organization_id, verification_token) VALUES ($1, $2, $3)
       ON CONFLICT (domain) DO NOTHING RETURNING *`,
      [domain, id, token],
    );
    if (rows[0]) {
      await this.events.emit('organization.domain_claimed', { organization_id: id, domain, ...by(actor) });
      return ok(domainView(rows[0]));
    }
    const [existing] = await this.db.query(`SELECT * FROM accounts.organization_domains WHERE domain = $1`, [domain]);
    return existing?.organization_id === id ? ok(domainView(existing)) : fail('domain_taken', 'domain: another organization has claimed it');
  }

  async domain(id: string, raw: string): Promise<OrgDomain | null> {
    const domain = normaliseDomain(raw);
    if (!domain || !UUID.test(String(id))) return null;
    const [row] = await this.db.query(`SELECT * FROM accounts.organization_domains WHERE domain = $1 AND organization_id = $2`, [domain, id]);
    return row ? domainView(row) : null;
  }

  /** The auth service proved control of the domain (DNS TXT or the well-known file). */
  async markVerified(id: string, raw: string, method: 'dns' | 'http', actor?: string): Promise<BusReply<OrgDomain, OrgError>> {
    const domain = normaliseDomain(raw);
    if (!domain || !UUID.test(String(id))) return fail('not_found', 'no such domain');
    if (method !== 'dns' && method !== 'http') return fail('invalid_input', 'method: dns or http');
    const rows = changed(await this.db.query(
      `UPDATE accounts.organization_domains SET verified_at = COALESCE(verified_at, now()), method = COALESCE(method, $3)
       WHERE domain = $1 AND organization_id = $2 RETURNING *`,
      [domain, id, method],
    ));
    if (!rows[0]) return fail('not_found', 'no such domain');
    await this.events.emit('organization.domain_verified', { organization_id: id, domain, method: rows[0].method, ...by(actor) });
    return ok(domainView(rows[0]));
  }

  async removeDomain(id: string, raw: string, actor?: string): Promise<BusReply<{ domain: string }, OrgError>> {
    const domain = normaliseDomain(raw);
    if (!domain || !UUID.test(String(id))) return fail('not_found', 'no such domain');
    const gone = changed(await this.db.query(`DELETE FROM accounts.organization_domains WHERE domain = $1 AND organization_id = $2 RETURNING domain`, [domain, id]));
    if (!gone.length) return fail('not_found', 'no such domain');
    await this.events.emit('organization.domain_removed', { organization_id: id, domain, ...by(actor) });
    return ok({ domain });
  }

  /** Only a verified domain routes. */
  async route(email: string): Promise<Route | null> {
    const address = normaliseEmail(String(email ?? ''));
    if (!address) return null;
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const [row] = await this.db.query(`SELECT organization_id, domain FROM accounts.organization_domains WHERE domain = $1 AND verified_at IS NOT NULL`, [domain]);
    return row ? { organization_id: row.organization_id, domain: row.domain } : null;
  }

  async memberships(sub: string): Promise<Membership[]> {
    if (!UUID.test(String(sub))) return [];
    const rows: Row[] = await this.db.query(
      `SELECT m.organization_id, o.name, m.role FROM accounts.organization_members m JOIN accounts.organizations o ON o.id = m.organization_id
       WHERE m.user_id = $1 ORDER BY m.joined_at, m.organization_id`,
      [sub],
    );
    return rows.map((r) => ({ organization_id: r.organization_id, name: r.name, role: r.role }));
  }

  /**
   * The `organization` scope's claims: `org_id` and `org_roles` of the first organisation joined,
   * and `organizations` listing every one when there are several.
   */
  async claims(sub: string): Promise<Record<string, unknown>> {
    const list = await this.memberships(sub);
    if (!list.length) return {};
    const claims: Record<string, unknown> = { org_id: list[0].organization_id, org_roles: [list[0].role] };
    if (list.length > 1) claims.organizations = list.map((m) => ({ id: m.organization_id, name: m.name, roles: [m.role] }));
    else claims.org_name = list[0].name;
    return claims;
  }

  /** Adds the account to the organisation as a member unless it already is one. */
  /** True when the account joined now (the caller announces it once its transaction is committed). */
  async join(tx: EntityManager, id: string, sub: string): Promise<boolean> {
    const rows: Row[] = await tx.query(
      `INSERT INTO accounts.organization_members (organization_id, user_id, role) VALUES ($1, $2, 'member') ON CONFLICT DO NOTHING RETURNING user_id`,
      [id, sub],
    );
    return rows.length > 0;
  }

  async joinedThroughFederation(id: string, sub: string): Promise<void> {
    await this.events.emit('organization.member_added', { organization_id: id, sub, role: 'member', via: 'federated' });
  }

  private async find(id: string): Promise<Row | null> {
    if (!UUID.test(String(id))) return null;
    const [row] = await this.db.query(`SELECT * FROM accounts.organizations WHERE id = $1`, [id]);
    return row ?? null;
  }

  private async userExists(sub: string): Promise<boolean> {
    if (!UUID.test(String(sub))) return false;
    return (await this.db.query(`SELECT 1 FROM accounts.users WHERE id = $1`, [sub])).length > 0;
  }

  private async lockOrg(tx: EntityManager, id: string) {
    await tx.query(`SELECT id FROM accounts.organizations WHERE id = $1 FOR UPDATE`, [id]);
  }

  private async owners(tx: EntityManager, id: string): Promise<number> {
    const [row] = await tx.query(`SELECT count(*)::int AS n FROM accounts.organization_members WHERE organization_id = $1 AND role = 'owner'`, [id]);
    return Number(row.n);
  }
}

const by = (actor?: string) => (actor && UUID.test(String(actor)) ? { actor } : {});

function cleanName(name: unknown): string | null {
  const clean = typeof name === 'string' ? name.trim() : '';
  return clean && clean.length <= 200 ? clean : null;
}

const orgView = (r: Row): Organisation => ({ id: r.id, name: r.name, created_at: iso(r.created_at)! });
const memberView = (r: Row): OrgMember => ({ sub: r.user_id, role: r.role, joined_at: iso(r.joined_at)! });
const domainView = (r: Row): OrgDomain => ({
  domain: r.domain,
  verification_token: r.verification_token,
  verified: !!r.verified_at,
  verified_at: iso(r.verified_at),
  method: r.method ?? null,
});
const invitationView = (r: Row): OrgInvitation => ({
  id: r.id,
  email: r.email,
  phone: r.phone,
  role: r.role,
  created_at: iso(r.created_at)!,
  accepted_at: iso(r.accepted_at),
  accepted_by: r.accepted_by ?? null,
});
