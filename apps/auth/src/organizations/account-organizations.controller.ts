import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccountCallerService } from '../account/account-caller.service';
import { badRequest } from '../account/account-errors';
import { OrganizationSelfService } from './organization-self-service';

type Json = Record<string, unknown>;
const obj = (body: unknown): Json => {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('the body must be a JSON object');
  return body as Json;
};

/**
 * The cabinet's organisations as JSON (`/api/account/organizations`), for the signed-in browser
 * (X-CSRF-Token on changes) or a token with the `account` scope; the rules are OrganizationSelfService's.
 */
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
  async list(@Req() req: FastifyRequest) {
    return this.orgs.list(await this.sub(req));
  }

  @Get(':id')
  async get(@Param('id') id: string, @Req() req: FastifyRequest) {
    return this.orgs.get(await this.sub(req), id);
  }

  /** Leaves the organisation (not as its last owner). */
  @Post(':id/leave')
  @HttpCode(204)
  async leave(@Param('id') id: string, @Req() req: FastifyRequest) {
    await this.orgs.leave(await this.sub(req), id);
  }

  /** `{"email"}` or `{"phone"}`, and a role (owner only by an owner). */
  @Post(':id/invitations')
  async invite(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.invite(sub, id, obj(body));
  }

  @Put(':id/members/:sub')
  async setRole(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.setRole(sub, id, member, obj(body));
  }

  @Delete(':id/members/:sub')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest) {
    await this.orgs.removeMember(await this.sub(req), id, member);
  }

  /** Claims a domain; the answer says what to publish (TXT record or well-known file). */
  @Post(':id/domains')
  async claimDomain(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.claimDomain(sub, id, obj(body));
  }

  @Post(':id/domains/:domain/verify')
  @HttpCode(200)
  async verifyDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest) {
    return this.orgs.verifyDomain(await this.sub(req), id, domain);
  }

  @Delete(':id/domains/:domain')
  @HttpCode(204)
  async removeDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest) {
    await this.orgs.removeDomain(await this.sub(req), id, domain);
  }

  /** The organisation's upstream identity provider; the client secret is write-only. */
  @Post(':id/upstream-providers')
  async addProvider(@Param('id') id: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.addProvider(sub, id, obj(body));
  }

  @Patch(':id/upstream-providers/:provider')
  async updateProvider(@Param('id') id: string, @Param('provider') provider: string, @Req() req: FastifyRequest, @Body() body: unknown) {
    const sub = await this.sub(req);
    return this.orgs.updateProvider(sub, id, provider, obj(body));
  }

  @Delete(':id/upstream-providers/:provider')
  @HttpCode(204)
  async removeProvider(@Param('id') id: string, @Param('provider') provider: string, @Req() req: FastifyRequest) {
    await this.orgs.removeProvider(await this.sub(req), id, provider);
  }
}
