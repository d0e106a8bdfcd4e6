import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, ORG_ROLES, OrgDomain, OrgRole, OrganisationsSubjects as S } from '@idp/contracts';
import { AccountCallerService } from '../account/account-caller.service';
import { AccountApiError, badRequest, fieldError } from '../account/account-errors';
import { DomainVerifier } from './domain-verifier';
import { UpstreamInputError, UpstreamProvidersService } from './upstream-providers.service';

type Json = Record<string, unknown>;
const obj = (body: unknown): Json => {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('the body must be a JSON object');
  return body as Json;
};

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
 * The cabinet's organisations (`/api/account/organizations`): every member sees their organisations
 * and may leave; owners and admins manage members, invitations, domains and the upstream provider.
 * Only an owner makes or unmakes owners, and an organisation never loses its last owner. Roles are
 * checked here on every call, from the accounts service, never from the browser.
 */
@Controller('api/account/organizations')
export class AccountOrganizationsController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly bus: BusClient,
    private readonly verifier: DomainVerifier,
    private readonly upstreams: UpstreamProvidersService,
  ) {}

  @Get()
  async list(@Req() req: FastifyRequest) {
    const caller = await this.callers.api(req);
    return this.bus.value(S.memberships, { sub: caller.sub });
  }

  @Get(':id')
  async get(@Param('id') id: string, @Req() req: FastifyRequest) {
    const { role } = await this.member(req, id);
    const org = await this.bus.request(S.get, { id });
    if (!org.ok) throw notFound();
    const { members, domains, invitations, ...about } = org.value;
    if (!MANAGERS.includes(role)) return { ...about, role };
    const people = await Promise.all(
      members.map(async (m) => {
        const claims = await this.bus.request(AccountsSubjects.claimsGet, { sub: m.sub, scopes: ['profile', 'email'] });
        const c = claims.ok ? claims.value : {};
        return { ...m, name: c.name ?? null, email: c.email ?? null };
      }),
    );
    const providers = (await this.upstreams.forOrganization(id)).map((p) => this.upstreams.view(p));
    return { ...about, role, members: people, invitations, domains: domains.map(domainProof), upstream_providers: providers };
  }

  /** Leaves the organisation (not as its last owner). */
  @Post(':id/leave')
  @HttpCode(204)
  async leave(@Param('id') id: string, @Req() req: FastifyRequest) {
    const { sub } = await this.member(req, id);
    const reply = await this.bus.request(S.memberRemove, { id, sub, actor: sub });
    if (!reply.ok) throw refused(reply);
  }

  @Post(':id/invitations')
  async invite(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const input = obj(body);
    const { sub, role: mine } = await this.manager(req, id);
    const role = this.roleOf(input.role ?? 'member');
    if (role === 'owner' && mine !== 'owner') throw forbidden('only an owner can invite an owner');
    for (const f of ['email', 'phone'] as const) if (input[f] !== undefined && typeof input[f] !== 'string') throw badRequest(`${f}: must be a string`, { [f]: 'must be a string' });
    const reply = await this.bus.request(S.invite, { id, email: input.email as string | undefined, phone: input.phone as string | undefined, role, actor: sub });
    if (!reply.ok) throw refused(reply);
    return reply.value;
  }

  /** Changes a member's role; owners are made and unmade by owners only. */
  @Put(':id/members/:sub')
  async setRole(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const { sub, role: mine } = await this.manager(req, id);
    const role = this.roleOf(obj(body).role);
    const current = await this.roleIn(id, member);
    if (!current) throw new AccountApiError(404, 'not_found', 'no such member');
    if ((role === 'owner' || current === 'owner') && mine !== 'owner') throw forbidden('only an owner can change an owner');
    const reply = await this.bus.request(S.memberSet, { id, sub: member, role, actor: sub });
    if (!reply.ok) throw refused(reply);
    return reply.value;
  }

  @Delete(':id/members/:sub')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest) {
    const { sub, role: mine } = await this.manager(req, id);
    const current = await this.roleIn(id, member);
    if (!current) throw new AccountApiError(404, 'not_found', 'no such member');
    if (current === 'owner' && mine !== 'owner') throw forbidden('only an owner can remove an owner');
    const reply = await this.bus.request(S.memberRemove, { id, sub: member, actor: sub });
    if (!reply.ok) throw refused(reply);
  }

  /** Claims a domain; the answer says what to publish (TXT record or well-known file). */
  @Post(':id/domains')
  async claimDomain(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const input = obj(body);
    const { sub } = await this.manager(req, id);
    if (typeof input.domain !== 'string') throw badRequest('domain: is required', { domain: 'is required' });
    const reply = await this.bus.request(S.domainClaim, { id, domain: input.domain, actor: sub });
    if (!reply.ok) throw refused(reply);
    return domainProof(reply.value);
  }

  @Post(':id/domains/:domain/verify')
  @HttpCode(200)
  async verifyDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest) {
    const { sub } = await this.manager(req, id);
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

  @Delete(':id/domains/:domain')
  @HttpCode(204)
  async removeDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest) {
    const { sub } = await this.manager(req, id);
    const reply = await this.bus.request(S.domainRemove, { id, domain, actor: sub });
    if (!reply.ok) throw refused(reply);
  }

  /** The organisation's upstream identity provider; the client secret is write-only. */
  @Post(':id/upstream-providers')
  async addProvider(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const input = obj(body);
    const { sub } = await this.manager(req, id);
    return this.upstreamInput(async () => this.upstreams.view(await this.upstreams.add(id, input, sub)));
  }

  @Patch(':id/upstream-providers/:provider')
  async updateProvider(@Param('id') id: string, @Param('provider') provider: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const input = obj(body);
    const { sub } = await this.manager(req, id);
    return this.upstreamInput(async () => {
      const updated = await this.upstreams.change(id, provider, input, sub);
      if (!updated) throw new AccountApiError(404, 'not_found', 'upstream provider not found');
      return this.upstreams.view(updated);
    });
  }

  @Delete(':id/upstream-providers/:provider')
  @HttpCode(204)
  async removeProvider(@Param('id') id: string, @Param('provider') provider: string, @Req() req: FastifyRequest) {
    const { sub } = await this.manager(req, id);
    if (!(await this.upstreams.discard(id, provider, sub))) throw new AccountApiError(404, 'not_found', 'upstream provider not found');
  }

  private async upstreamInput<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof UpstreamInputError) throw badRequest(`check the fields: ${Object.keys(err.fields).join(', ')}`, err.fields);
      throw err;
    }
  }

  /** The caller and their role; an organisation they are not in does not exist for them. */
  private async member(req: FastifyRequest, id: string): Promise<{ sub: string; role: OrgRole }> {
    const caller = await this.callers.api(req);
    const role = await this.roleIn(id, caller.sub);
    if (!role) throw notFound();
    return { sub: caller.sub, role };
  }

  private async manager(req: FastifyRequest, id: string) {
    const me = await this.member(req, id);
    if (!MANAGERS.includes(me.role)) throw forbidden('only owners and admins manage the organization');
    return me;
  }

  private async roleIn(id: string, sub: string): Promise<OrgRole | null> {
    const memberships = await this.bus.value(S.memberships, { sub });
    return memberships.find((m) => m.organization_id === id)?.role ?? null;
  }

  private roleOf(v: unknown): OrgRole {
    if (typeof v !== 'string' || !ORG_ROLES.includes(v as OrgRole)) throw badRequest(`role: one of ${ORG_ROLES.join(', ')}`, { role: `one of ${ORG_ROLES.join(', ')}` });
    return v as OrgRole;
  }
}
