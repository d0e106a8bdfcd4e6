import { Body, Controller, Delete, Get, HttpCode, HttpException, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { OrgRole, OrganisationsSubjects as S } from '@idp/contracts';
import { AdminGuard } from '../admin/admin.guard';
import { ConflictError, FieldValidationError, NotFoundError, requireObject } from '../admin/admin-errors';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { validBody } from '../admin/dto/dto-problems';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { DomainVerifier } from './domain-verifier';
import { ClaimDomainDto, CreateOrganizationDto, InvitationDto, MemberRoleDto, RenameOrganizationDto, UpstreamProviderDto, UpstreamProviderUpdateDto } from './dto/organizations.dto';
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

/** A role the DTO already checked; none given means member. */
const role = (v: string | undefined): OrgRole => (v ?? 'member') as OrgRole;

/** Organisations, their members, invitations and domains (`/admin/organizations`). */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/organizations')
@UseGuards(AdminGuard)
export class AdminOrganizationsController {
  constructor(
    private readonly bus: BusClient,
    private readonly verifier: DomainVerifier,
    private readonly upstreams: UpstreamProvidersService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an organisation' })
  @ApiBody({ type: CreateOrganizationDto })
  @ApiCreatedResponse({ description: 'the organisation' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async create(@Body() body: unknown) {
    const input = validBody(CreateOrganizationDto, body);
    const reply = await this.bus.request(S.create, { name: input.name, owner_sub: input.owner_sub });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  @Get()
  @ApiOperation({ summary: 'List the organisations' })
  @ApiOkResponse({ description: 'the organisations' })
  list() {
    return this.bus.value(S.list, {});
  }

  @Get(':id')
  @ApiOperation({ summary: 'An organisation with its members, domains, invitations and upstream providers' })
  @ApiOkResponse({ description: 'the organisation' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async get(@Param('id') id: string) {
    const reply = await this.bus.request(S.get, { id });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return { ...reply.value, upstream_providers: (await this.upstreams.forOrganization(id)).map((p) => this.upstreams.view(p)) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename an organisation' })
  @ApiBody({ type: RenameOrganizationDto })
  @ApiOkResponse({ description: 'the organisation' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Param('id') id: string, @Body() body: unknown) {
    const input = validBody(RenameOrganizationDto, body);
    const reply = await this.bus.request(S.update, { id, name: input.name });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an organisation' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async remove(@Param('id') id: string) {
    const reply = await this.bus.request(S.remove, { id });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    await this.upstreams.discardForOrganization(id);
  }

  /** Adds a member or changes their role: `{"role": "owner" | "admin" | "member"}`. */
  @Put(':id/members/:sub')
  @ApiOperation({ summary: 'Add a member or change their role' })
  @ApiBody({ type: MemberRoleDto, required: false })
  @ApiOkResponse({ description: 'the membership' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the organisation would be left without an owner' })
  async setMember(@Param('id') id: string, @Param('sub') sub: string, @Body() body: unknown) {
    const reply = await this.bus.request(S.memberSet, { id, sub, role: role(validBody(MemberRoleDto, body ?? {}).role) });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  @Delete(':id/members/:sub')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the last owner' })
  async removeMember(@Param('id') id: string, @Param('sub') sub: string) {
    const reply = await this.bus.request(S.memberRemove, { id, sub });
    if (!reply.ok) throw toHttp(reply.code, reply.message, 'member');
  }

  /** `{"email": ...}` or `{"phone": ...}`, and a role; accepted when someone signs in with it verified. */
  @Post(':id/invitations')
  @ApiOperation({ summary: 'Invite by e-mail or phone' })
  @ApiBody({ type: InvitationDto })
  @ApiCreatedResponse({ description: 'the invitation' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async invite(@Param('id') id: string, @Body() body: unknown) {
    const input = validBody(InvitationDto, body);
    const reply = await this.bus.request(S.invite, { id, email: input.email, phone: input.phone, role: role(input.role) });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    return reply.value;
  }

  /** Claims a domain; the answer carries the token to publish (TXT record or well-known file). */
  @Post(':id/domains')
  @ApiOperation({ summary: 'Claim a domain; the answer carries the token to publish' })
  @ApiBody({ type: ClaimDomainDto })
  @ApiCreatedResponse({ description: 'the claimed domain with dns_txt_record and http_file_url' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'another organisation has the domain' })
  async claimDomain(@Param('id') id: string, @Body() body: unknown) {
    const input = validBody(ClaimDomainDto, body);
    const reply = await this.bus.request(S.domainClaim, { id, domain: input.domain });
    if (!reply.ok) throw toHttp(reply.code, reply.message);
    const d = reply.value;
    return { ...d, dns_txt_record: `idp-verification=${d.verification_token}`, http_file_url: `https://${d.domain}/.well-known/idp-verification.txt` };
  }

  @Post(':id/domains/:domain/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify a claimed domain by its DNS TXT record or well-known file' })
  @ApiOkResponse({ description: 'the verified domain' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'verification_failed: the token was found in neither place' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
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
  @ApiOperation({ summary: "Add the organisation's upstream identity provider" })
  @ApiBody({ type: UpstreamProviderDto })
  @ApiCreatedResponse({ description: 'the provider, without its secret, with the redirect_uri to register upstream' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async addUpstream(@Param('id') id: string, @Body() body: unknown) {
    requireObject(body);
    const org = await this.bus.request(S.get, { id });
    if (!org.ok) throw toHttp(org.code, org.message);
    const input = validBody(UpstreamProviderDto, body);
    try {
      return this.upstreams.view(await this.upstreams.add(id, input));
    } catch (err) {
      if (err instanceof UpstreamInputError) throw new FieldValidationError(err.fields);
      throw err;
    }
  }

  /** Changes a provider: the fields given replace the stored ones, checked as on creation; `client_secret` only when it changes. */
  @Patch(':id/upstream-providers/:provider')
  @ApiOperation({ summary: 'Change an upstream provider (the fields given, checked as on creation)' })
  @ApiBody({ type: UpstreamProviderUpdateDto })
  @ApiOkResponse({ description: 'the provider, without its secret' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async updateUpstream(@Param('id') id: string, @Param('provider') provider: string, @Body() body: unknown) {
    const input = validBody(UpstreamProviderUpdateDto, body);
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
  @ApiOperation({ summary: 'Remove an upstream provider' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async removeUpstream(@Param('id') id: string, @Param('provider') provider: string) {
    if (!(await this.upstreams.discard(id, provider))) throw new NotFoundError('upstream provider');
  }

  @Delete(':id/domains/:domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Give up a domain' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async removeDomain(@Param('id') id: string, @Param('domain') domain: string) {
    const reply = await this.bus.request(S.domainRemove, { id, domain });
    if (!reply.ok) throw toHttp(reply.code, reply.message, 'domain');
  }
}
