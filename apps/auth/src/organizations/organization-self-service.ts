import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, ORG_ROLES, OrgDomain, OrgRole, OrganisationsSubjects as S } from '@idp/contracts';
import { AccountApiError, badRequest, fieldError } from '../account/account-errors';
import { DomainVerifier } from './domain-verifier';
import { UpstreamInputError, UpstreamProvidersService } from './upstream-providers.service';

type Json = Record<string, unknown>;
const MANAGERS: readonly OrgRole[] = ['owner', 'admin'];
const notFound = () => new AccountApiError(404, 'not_found', 'organization not found');
const forbidden = (why: string) => new AccountApiError(403, 'access_denied', why);

/** Organisation errors of the bus as the cabinet's JSON answers. */
function refused(r: { code: string; message: string }): AccountApiError {
  switch (r.code) {
    case 'not_found':
      return new AccountApiError(404, 'not_found', r.message);
    case 'last_owner':
    case 'domain_taken':
      return new AccountApiError(409, 'conflict', r.message);
    case 'user_not_found':
      return badRequest(r.message, { sub: 'no such user' });
    default:
      return fieldError(r.message);
  }
}

/** What to publish to prove control of a domain. */
export const domainProof = (d: OrgDomain) => ({ ...d, dns_txt_record: `idp-verification=${d.verification_token}`, http_file_url: `https://${d.domain}/.well-known/idp-verification.txt` });

/**
 * What a person may do to their organisations from the cabinet (the JSON API and the pages share
 * it): every member sees their organisations and may leave; owners and admins manage members,
 * invitations, domains and the upstream provider. Only an owner makes or unmakes owners, and an
 * organisation never loses its last owner. Roles are read from the accounts service on every call.
 * Refusals are AccountApiError (the cabinet's JSON error shape).
 */
@Injectable()
export class OrganizationSelfService {
  constructor(
    private readonly bus: BusClient,
    private readonly verifier: DomainVerifier,
    private readonly upstreams: UpstreamProvidersService,
  ) {}

  list(sub: string) {
    return this.bus.value(S.memberships, { sub });
  }

  async get(sub: string, id: string) {
    const role = await this.member(sub, id);
    const org = await this.bus.request(S.get, { id });
    if (!org.ok) throw notFound();
    const { members, domains, invitations, ...about } = org.value;
    if (!MANAGERS.includes(role)) return { ...about, role };
    const people = await Promise.all(
      members.map(async (m) => {
        const claims = await this.bus.request(AccountsSubjects.claimsGet, { sub: m.sub, scopes: ['profile', 'email'] });
        const c = claims.ok ? claims.value : {};
        return { ...m, name: (c.name as string | undefined) ?? null, email: (c.email as string | undefined) ?? null };
      }),
    );
    const providers = (await this.upstreams.forOrganization(id)).map((p) => this.upstreams.view(p));
    return { ...about, role, members: people, invitations, domains: domains.map(domainProof), upstream_providers: providers };
  }

  async leave(sub: string, id: string) {
    await this.member(sub, id);
    const reply = await this.bus.request(S.memberRemove, { id, sub, actor: sub });
    if (!reply.ok) throw refused(reply);
  }

  async invite(sub: string, id: string, input: Json) {
    const mine = await this.manager(sub, id);
    const role = roleOf(input.role ?? 'member');
    if (role === 'owner' && mine !== 'owner') throw forbidden('only an owner can invite an owner');
    for (const f of ['email', 'phone'] as const) if (input[f] !== undefined && typeof input[f] !== 'string') throw badRequest(`${f}: must be a string`, { [f]: 'must be a string' });
    const reply = await this.bus.request(S.invite, { id, email: (input.email as string | undefined) || undefined, phone: (input.phone as string | undefined) || undefined, role, actor: sub });
    if (!reply.ok) throw refused(reply);
    return reply.value;
  }

  async setRole(sub: string, id: string, member: string, input: Json) {
    const mine = await this.manager(sub, id);
    const role = roleOf(input.role);
    const current = await this.roleIn(id, member);
    if (!current) throw new AccountApiError(404, 'not_found', 'no such member');
    if ((role === 'owner' || current === 'owner') && mine !== 'owner') throw forbidden('only an owner can change an owner');
    const reply = await this.bus.request(S.memberSet, { id, sub: member, role, actor: sub });
    if (!reply.ok) throw refused(reply);
    return reply.value;
  }

  async removeMember(sub: string, id: string, member: string) {
    const mine = await this.manager(sub, id);
    const current = await this.roleIn(id, member);
    if (!current) throw new AccountApiError(404, 'not_found', 'no such member');
    if (current === 'owner' && mine !== 'owner') throw forbidden('only an owner can remove an owner');
    const reply = await this.bus.request(S.memberRemove, { id, sub: member, actor: sub });
    if (!reply.ok) throw refused(reply);
  }

  async claimDomain(sub: string, id: string, input: Json) {
    await this.manager(sub, id);
    if (typeof input.domain !== 'string') throw badRequest('domain: is required', { domain: 'is required' });
    const reply = await this.bus.request(S.domainClaim, { id, domain: input.domain, actor: sub });
    if (!reply.ok) throw refused(reply);
    return domainProof(reply.value);
  }

  async verifyDomain(sub: string, id: string, domain: string) {
    await this.manager(sub, id);
    const org = await this.bus.request(S.get, { id });
    const claimed = org.ok ? org.value.domains.find((d) => d.domain === domain.toLowerCase()) : undefined;
    if (!claimed) throw new AccountApiError(404, 'not_found', 'domain not found');
    if (claimed.verified) return domainProof(claimed);
    const method = await this.verifier.verify(claimed.domain, claimed.verification_token);
    if (!method) {
      throw new AccountApiError(400, 'verification_failed', `neither a TXT record idp-verification=<token> on ${claimed.domain} nor https://${claimed.domain}/.well-known/idp-verification.txt holds the token`);
    }
    const reply = await this.bus.request(S.domainVerified, { id, domain: claimed.domain, method, actor: sub });
    if (!reply.ok) throw refused(reply);
    return domainProof(reply.value);
  }

  async removeDomain(sub: string, id: string, domain: string) {
    await this.manager(sub, id);
    const reply = await this.bus.request(S.domainRemove, { id, domain, actor: sub });
    if (!reply.ok) throw refused(reply);
  }

  async addProvider(sub: string, id: string, input: Json) {
    await this.manager(sub, id);
    return upstreamInput(async () => this.upstreams.view(await this.upstreams.add(id, input, sub)));
  }

  async updateProvider(sub: string, id: string, provider: string, input: Json) {
    await this.manager(sub, id);
    return upstreamInput(async () => {
      const updated = await this.upstreams.change(id, provider, input, sub);
      if (!updated) throw new AccountApiError(404, 'not_found', 'upstream provider not found');
      return this.upstreams.view(updated);
    });
  }

  async removeProvider(sub: string, id: string, provider: string) {
    await this.manager(sub, id);
    if (!(await this.upstreams.discard(id, provider, sub))) throw new AccountApiError(404, 'not_found', 'upstream provider not found');
  }

  /** The caller's role; an organisation they are not in does not exist for them. */
  private async member(sub: string, id: string): Promise<OrgRole> {
    const role = await this.roleIn(id, sub);
    if (!role) throw notFound();
    return role;
  }

  private async manager(sub: string, id: string): Promise<OrgRole> {
    const role = await this.member(sub, id);
    if (!MANAGERS.includes(role)) throw forbidden('only owners and admins manage the organization');
    return role;
  }

  private async roleIn(id: string, sub: string): Promise<OrgRole | null> {
    const memberships = await this.bus.value(S.memberships, { sub });
    return memberships.find((m) => m.organization_id === id)?.role ?? null;
  }
}

function roleOf(v: unknown): OrgRole {
  if (typeof v !== 'string' || !ORG_ROLES.includes(v as OrgRole)) throw badRequest(`role: one of ${ORG_ROLES.join(', ')}`, { role: `one of ${ORG_ROLES.join(', ')}` });
  return v as OrgRole;
}

async function upstreamInput<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UpstreamInputError) throw badRequest(`check the fields: ${Object.keys(err.fields).join(', ')}`, err.fields);
    throw err;
  }
}
