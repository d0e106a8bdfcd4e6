import { Controller, Get, HttpException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects } from '@idp/contracts';
import { AccountCallerService, Caller } from '../account/account-caller.service';
import { Locale, pickLocale, t } from '../interaction/i18n';
import { InteractionFlow, str } from '../interaction/interaction-flow.service';
import { renderErrorPage } from '../interaction/views/error.view';
import { OrgPageEntry, renderAccountOrganizations } from './account-organizations.view';
import { OrganizationSelfService } from './organization-self-service';

type Session = Caller & { via: 'session' };
type Form = Record<string, unknown>;

/**
 * The cabinet's organisations page (`/account/organizations`): the same rules as the JSON API
 * (OrganizationSelfService), as small forms with the CSRF token that redirect back (303) or show
 * the page again with the refusal.
 */
@Controller('account/organizations')
export class AccountOrganizationsPagesController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly orgs: OrganizationSelfService,
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    const caller = await this.callers.session(req);
    if (!caller) return void reply.redirect('/account', 303);
    const locale = await this.locale(req, caller);
    return this.render(reply, caller, locale, done === '1' ? { notice: t(locale, 'org.done') } : {});
  }

  @Post(':id/leave')
  leave(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub) => this.orgs.leave(sub, id));
  }

  @Post(':id/invitations')
  invite(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub, form) => this.orgs.invite(sub, id, { email: str(form.email).trim() || undefined, phone: str(form.phone).trim() || undefined, role: str(form.role) || 'member' }));
  }

  @Post(':id/members/:sub/role')
  setRole(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub, form) => this.orgs.setRole(sub, id, member, { role: str(form.role) }));
  }

  @Post(':id/members/:sub/remove')
  removeMember(@Param('id') id: string, @Param('sub') member: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub) => this.orgs.removeMember(sub, id, member));
  }

  @Post(':id/domains')
  claimDomain(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub, form) => this.orgs.claimDomain(sub, id, { domain: str(form.domain) }));
  }

  @Post(':id/domains/:domain/verify')
  verifyDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub) => this.orgs.verifyDomain(sub, id, domain));
  }

  @Post(':id/domains/:domain/remove')
  removeDomain(@Param('id') id: string, @Param('domain') domain: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub) => this.orgs.removeDomain(sub, id, domain));
  }

  /** Sets up the OpenID Connect provider, or changes it (an empty secret keeps the stored one). */
  @Post(':id/provider')
  saveProvider(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub, form) => {
      const input: Record<string, unknown> = { kind: 'oidc', name: str(form.name), discovery_url: str(form.discovery_url).trim(), client_id: str(form.client_id).trim() };
      if (str(form.client_secret)) input.client_secret = str(form.client_secret);
      const provider = str(form.provider_id);
      return provider ? this.orgs.updateProvider(sub, id, provider, input) : this.orgs.addProvider(sub, id, input);
    });
  }

  @Post(':id/provider/remove')
  removeProvider(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.act(req, reply, (sub, form) => this.orgs.removeProvider(sub, id, str(form.provider_id)));
  }

  /** Session and CSRF first (a bad token changes nothing), then the action; a refusal shows the page with its reason. */
  private async act(req: FastifyRequest, reply: FastifyReply, action: (sub: string, form: Form) => Promise<unknown>) {
    const caller = await this.callers.session(req);
    const form = (req.body ?? {}) as Form;
    if (!caller) return void reply.redirect('/account', 303);
    const locale = await this.locale(req, caller);
    if (!this.callers.csrfValid(caller, form.csrf)) return this.flow.html(reply, renderErrorPage(locale, t(locale, 'error.csrf')), 403);
    try {
      await action(caller.sub, form);
    } catch (err) {
      if (!(err instanceof HttpException)) throw err;
      const body = err.getResponse() as { error_description?: string };
      return this.render(reply, caller, locale, { error: body.error_description ?? err.message }, err.getStatus());
    }
    return void reply.redirect('/account/organizations?done=1', 303);
  }

  private async render(reply: FastifyReply, caller: Session, locale: Locale, message: { notice?: string; error?: string }, status = 200) {
    const memberships = await this.orgs.list(caller.sub);
    const orgs = (await Promise.all(memberships.map((m) => this.orgs.get(caller.sub, m.organization_id).catch(() => null)))).filter(Boolean) as OrgPageEntry[];
    return this.flow.html(reply, renderAccountOrganizations({ locale, csrf: caller.csrf, orgs, ...message }), status);
  }

  private async locale(req: FastifyRequest, caller: Session): Promise<Locale> {
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: caller.sub });
    return (account.ok && account.value.locale) || pickLocale(undefined, req.headers['accept-language']);
  }
}
