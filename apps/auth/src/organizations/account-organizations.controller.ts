import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCookieAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader,
  ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AccountCallerService } from '../account/account-caller.service';
import { valid } from '../account/account-errors';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { ClaimDomainDto, InvitationDto, MemberRoleDto, UpstreamProviderDto, UpstreamProviderUpdateDto } from './dto/organizations.dto';
import { OrganizationSelfService } from './organization-self-service';

/**
 * The cabinet's organisations as JSON (`/api/account/organizations`), for the signed-in browser
 * (X-CSRF-Token on changes) or a token with the `account` scope; the rules are OrganizationSelfService's.
 */
@ApiTags('account')
@ApiCookieAuth('sso_session')
@ApiBearerAuth('access_token')
@ApiHeader({ name: 'X-CSRF-Token', required: false, description: 'with the SSO session cookie, required on every change: the csrf_token of GET /api/account' })
@ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'not signed in (login_required), or the access token is invalid (invalid_token)' })
@ApiForbiddenResponse({ type: ApiErrorDto, description: 'no CSRF header, or the caller\'s role in the organisation does not allow the change' })
@Controller('api/account/organizations')
export class AccountOrganizationsController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly orgs: OrganizationSelfService,
  ) {}

  private async sub(req: FastifyRequest) {
    return (await this.callers.api(req)).sub;
  }

  @Get()
  @ApiOperation({ summary: 'The organisations the user belongs to, with their role' })
  @ApiOkResponse({ description: 'the organisations' })
  async list(@Req() req: FastifyRequest) {
    return this.orgs.list(await this.sub(req));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organisation: members, invitations, domains and provider for owners and admins' })
  @ApiOkResponse({ description: 'the organisation' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async get(@Param('id') id: string, @Req() req: FastifyRequest) {
    return this.orgs.get(await this.sub(req), id);
  }

  /** Leaves the organisation (not as its last owner). */
  @Post(':id/leave')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave the organisation' })
  @ApiNoContentResponse({ description: 'left' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the last owner' })
  async leave(@Param('id') id: string, @Req() req: FastifyRequest) {
    await this.orgs.leave(await this.sub(req), id);
  }

  /** `{"email"}` or `{"phone"}`, and a role (owner only by an owner). */
  @Post(':id/invitations')
  @ApiOperation({ summary: 'Invite by e-mail or phone' })
  @ApiBody({ type: InvitationDto })
  @ApiCreatedResponse({ description: 'the invitation' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async invite(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.invite(sub, id, valid(InvitationDto, body));
  }

  @Put(':id/members/:sub')
  @ApiOperation({ summary: "Change a member's role (owner changes by an owner only)" })
  @ApiBody({ type: MemberRoleDto })
  @ApiOkResponse({ description: 'the membership' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the organisation would be left without an owner' })
  async setRole(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.setRole(sub, id, member, valid(MemberRoleDto, body));
  }

  @Delete(':id/members/:sub')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the last owner' })
  async remove(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest) {
    await this.orgs.removeMember(await this.sub(req), id, member);
  }

  /** Claims a domain; the answer says what to publish (TXT record or well-known file). */
  @Post(':id/domains')
  @ApiOperation({ summary: 'Claim a domain; the answer says what to publish' })
  @ApiBody({ type: ClaimDomainDto })
  @ApiCreatedResponse({ description: 'the claimed domain with dns_txt_record and http_file_url' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'another organisation has the domain' })
  async claimDomain(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.claimDomain(sub, id, valid(ClaimDomainDto, body));
  }

  @Post(':id/domains/:domain/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify a claimed domain by its DNS TXT record or well-known file' })
  @ApiOkResponse({ description: 'the verified domain' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'verification_failed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async verifyDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest) {
    return this.orgs.verifyDomain(await this.sub(req), id, domain);
  }

  @Delete(':id/domains/:domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Give up a domain' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async removeDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest) {
    await this.orgs.removeDomain(await this.sub(req), id, domain);
  }

  /** The organisation's upstream identity provider; the client secret is write-only. */
  @Post(':id/upstream-providers')
  @ApiOperation({ summary: "Add the organisation's upstream identity provider" })
  @ApiBody({ type: UpstreamProviderDto })
  @ApiCreatedResponse({ description: 'the provider, without its secret, with the redirect_uri to register upstream' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async addProvider(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.addProvider(sub, id, valid(UpstreamProviderDto, body));
  }

  @Patch(':id/upstream-providers/:provider')
  @ApiOperation({ summary: 'Change the provider (the fields given; the secret only when it changes)' })
  @ApiBody({ type: UpstreamProviderUpdateDto })
  @ApiOkResponse({ description: 'the provider, without its secret' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async updateProvider(@Param('id') id: string, @Param('provider') provider: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.updateProvider(sub, id, provider, valid(UpstreamProviderUpdateDto, body));
  }

  @Delete(':id/upstream-providers/:provider')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the provider and the identities linked through it' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async removeProvider(@Param('id') id: string, @Param('provider') provider: string, @Req() req: FastifyRequest) {
    await this.orgs.removeProvider(await this.sub(req), id, provider);
  }
}
