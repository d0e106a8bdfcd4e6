import { Body, Controller, Delete, Get, HttpCode, HttpException, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { ORG_ROLES, OrgRole, OrganisationsSubjects as S } from '@idp/contracts';
import { AdminGuard } from '../admin/admin.guard';
import { ConflictError, FieldValidationError, NotFoundError, requireObject } from '../admin/admin-errors';
import { DomainVerifier } from './domain-verifier';
import { UpstreamInputError, UpstreamProvidersService } from './upstream-providers.service';

/** Domain errors of the organisations contracts, as the admin API answers them. */
function toHttp(code: string, message: string, what = 'organization'): HttpException {
  switch (code) {
    case 'not_found':
      return new NotFoundError(what);
    case 'user_not_found':
      return new FieldValidationError({ [message.split(':')[0]]: 'no such user' });
    case 'last_owner':
      return new ConflictError('role', message);
    case 'domain_taken':
      return new ConflictError('domain', message);
    default:
      return new FieldValidationError({ [message.split(':')[0]]: message.split(':').slice(1).join(':').trim() || message });
  }
}

const role = (v: unknown): OrgRole => {
  if (v === undefined) return 'member';
  if (typeof v !== 'string' || !ORG_ROLES.includes(v as OrgRole)) throw new FieldValidationError({ role: `one of ${ORG_ROLES.join(', ')}` });
  return v as OrgRole;
};

/** Organisations, their members, invitations and domains (`/admin/organizations`). */
@Controller('admin/organizations')
@UseGuards(AdminGuard)
export class AdminOrganizationsController {
  constructor(
    private readonly bus: BusClient,
    private readonly verifier: DomainVerifier,
    private readonly upstreams: UpstreamProvidersService,
  ) {}

  @Post()
  async create(@Body() body: unknown) {
    const input = requireObject(body);
    if (typeof input.name !== 'string') throw new FieldValidationError({ name: 'is required' });
    if (input.owner_sub !== undefined && typeof input.owner_sub !== 'string') throw new FieldValidationError({ owner_sub: 'must be a string' });
    const reply = await this.bus.request(S.create, { name: input.name, owner_sub: input.owner_sub as string | undefined });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  @Get()
  list() {
    return this.bus.value(S.list, {});
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const reply = await this.bus.request(S.get, { id });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return { ...reply.value, upstream_providers: (await this.upstreams.forOrganization(id)).map((p) => this.upstreams.view(p)) };
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown) {
    const input = requireObject(body);
    if (typeof input.name !== 'string') throw new FieldValidationError({ name: 'is required' });
    const reply = await this.bus.request(S.update, { id, name: input.name });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string) {
    const reply = await this.bus.request(S.remove, { id });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    await this.upstreams.discardForOrganization(id);
  }

  /** Adds a member or changes their role: `{"role": "owner" | "admin" | "member"}`. */
  @Put(':id/members/:sub')
  async setMember(@Param('id') id: string, @Param('sub') sub: string, @Body() body: unknown) {
    const reply = await this.bus.request(S.memberSet, { id, sub, role: role(requireObject(body ?? {}).role) });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  @Delete(':id/members/:sub')
  @HttpCode(204)
  async removeMember(@Param('id') id: string, @Param('sub') sub: string) {
    const reply = await this.bus.request(S.memberRemove, { id, sub });
    if (!reply.ok) throw toHttp(reply.code, reply.message, 'member');
  }

  /** `{"email": ...}` or `{"phone": ...}`, and a role; accepted when someone signs in with it verified. */
  @Post(':id/invitations')
  async invite(@Param('id') id: string, @Body() body: unknown) {
    const input = requireObject(body);
    for (const f of ['email', 'phone'] as const) if (input[f] !== undefined && typeof input[f] !== 'string') throw new FieldValidationError({ [f]: 'must be a string' });
    const reply = await this.bus.request(S.invite, { id, email: input.email as string | undefined, phone: input.phone as string | undefined, role: role(input.role) });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  /** Claims a domain; the answer carries the token to publish (TXT record or well-known file). */
  @Post(':id/domains')
  async claimDomain(@Param('id') id: string, @Body() body: unknown) {
    const input = requireObject(body);
    if (typeof input.domain !== 'string') throw new FieldValidationError({ domain: 'is required' });
    const reply = await this.bus.request(S.domainClaim, { id, domain: input.domain });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    const d = reply.value;
    return { ...d, dns_txt_record: `idp-verification=${d.verification_token}`, http_file_url: `https://${d.domain}/.well-known/idp-verification.txt` };
  }

  @Post(':id/domains/:domain/verify')
  @HttpCode(200)
  async verifyDomain(@Param('id') id: string, @Param('domain') domain: string) {
    const org = await this.bus.request(S.get, { id });
    if (!org.ok) throw toHttp(org.code, org.message);
    const claimed = org.value.domains.find((d) => d.domain === domain.toLowerCase());
    if (!claimed) throw new NotFoundError('domain');
    if (claimed.verified) return claimed;
    const method = await this.verifier.verify(claimed.domain, claimed.verification_token);
    if (!method) {
      throw new HttpException(
        { error: 'verification_failed', error_description: `neither a TXT record idp-verification=<token> on ${claimed.domain} nor https://${claimed.domain}/.well-known/idp-verification.txt holds the token` },
        400,
      );
    }
    const reply = await this.bus.request(S.domainVerified, { id, domain: claimed.domain, method });
    if (!reply.ok) throw toHttp(reply.code, reply.message, 'domain');
    return reply.value;
  }

  /** An upstream identity provider of the organisation (OpenID Connect by discovery, or OAuth 2.0 by URLs); the secret is never shown again. */
  @Post(':id/upstream-providers')
  async addUpstream(@Param('id') id: string, @Body() body: unknown) {
    const input = requireObject(body);
    const org = await this.bus.request(S.get, { id });
    if (!org.ok) throw toHttp(org.code, org.message);
    try {
      return this.upstreams.view(await this.upstreams.add(id, input));
    } catch (err) {
      if (err instanceof UpstreamInputError) throw new FieldValidationError(err.fields);
      throw err;
    }
  }

  /** Changes a provider: the fields given replace the stored ones, checked as on creation; `client_secret` only when it changes. */
  @Patch(':id/upstream-providers/:provider')
  async updateUpstream(@Param('id') id: string, @Param('provider') provider: string, @Body() body: unknown) {
    const input = requireObject(body);
    try {
      const updated = await this.upstreams.change(id, provider, input);
      if (!updated) throw new NotFoundError('upstream provider');
      return this.upstreams.view(updated);
    } catch (err) {
      if (err instanceof UpstreamInputError) throw new FieldValidationError(err.fields);
      throw err;
    }
  }

  /** Removes a provider and the upstream identities linked through it. */
  @Delete(':id/upstream-providers/:provider')
  @HttpCode(204)
  async removeUpstream(@Param('id') id: string, @Param('provider') provider: string) {
    if (!(await this.upstreams.discard(id, provider))) throw new NotFoundError('upstream provider');
  }

  @Delete(':id/domains/:domain')
  @HttpCode(204)
  async removeDomain(@Param('id') id: string, @Param('domain') domain: string) {
    const reply = await this.bus.request(S.domainRemove, { id, domain });
    if (!reply.ok) throw toHttp(reply.code, reply.message, 'domain');
  }
}
