import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountSubjects } from '@idp/contracts';
import { Locale, MessageKey, pickLocale, t } from '../interaction/i18n';
import { InteractionFlow } from '../interaction/interaction-flow.service';
import { renderErrorPage } from '../interaction/views/error.view';
import { randomToken } from '../oidc/crypto';
import { AccountCallerService, Caller } from '../account/account-caller.service';
import { ACCOUNT_NEXT_COOKIE, ACCOUNT_STATE_COOKIE } from '../account/account-pages.controller';
import { AccountClientService } from '../account/account-client.service';
import { isFile } from '../account/multipart';
import { ClientSecretsService } from './client-secrets.service';
import { ClientUsageService } from './client-usage.service';
import { CapabilityRequestsService } from './capability-requests.service';
import { DeveloperAppsService } from './developer-apps.service';
import { DevelopersError } from './developers-errors';
import { renderDeveloperApp, renderDevelopersHome, renderDevelopersMessage } from './developers.view';
import { logoHeaders } from './logo';

type Session = Caller & { via: 'session' };
type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const lines = (v: unknown) => str(v).split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** Outcomes of the app page's forms that answer with a redirect and a notice. */
const DONE: Record<string, MessageKey> = { saved: 'dev.saved', revoked: 'dev.saved', requested: 'dev.requested', member: 'dev.saved' };

/** The settings form as RFC 7591 metadata (empty optional fields left out, so they fall back to defaults). */
function formMetadata(form: Form): Record<string, unknown> {
  const out: Record<string, unknown> = {
    client_name: str(form.client_name),
    redirect_uris: lines(form.redirect_uris),
    post_logout_redirect_uris: lines(form.post_logout_redirect_uris),
    grant_types: list(form.grant_types),
    response_types: lines(form.response_types),
  };
  for (const f of ['client_uri', 'logo_uri', 'token_endpoint_auth_method', 'introspection_endpoint_auth_method', 'revocation_endpoint_auth_method', 'subject_type', 'application_type', 'scope']) {
    if (str(form[f])) out[f] = str(form[f]);
  }
  for (const f of ['access_token_ttl', 'id_token_ttl', 'refresh_token_ttl']) {
    if (str(form[f])) out[f] = /^\d{1,10}$/.test(str(form[f])) ? Number(str(form[f])) : str(form[f]);
  }
  return out;
}

/**
 * The integrators' cabinet at /developers: the applications of the signed-in person, each on its
 * own page of small forms (CSRF token in every one), with the same sign-in and look as /account.
 * A refused change answers the page again with the error's description and changes nothing.
 */
@Controller('developers')
export class DevelopersPagesController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly client: AccountClientService,
    private readonly apps: DeveloperAppsService,
    private readonly secrets: ClientSecretsService,
    private readonly capabilities: CapabilityRequestsService,
    private readonly usage: ClientUsageService,
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
  ) {}

  @Get()
  async home(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    const caller = await this.callers.session(req);
    if (!caller) return this.signIn(reply);
    const locale = await this.locale(req, caller);
    return this.flow.html(reply, renderDevelopersHome({ locale, csrf: caller.csrf, apps: await this.apps.list(caller.sub), notice: done === 'deleted' ? t(locale, 'dev.deleted') : undefined }));
  }

  /** A logo, public (the consent page shows it), served from our origin with its detected type. */
  @Get('logos/:id')
  async logo(@Param('id') id: string, @Res() reply: FastifyReply) {
    const logo = await this.apps.logo(id);
    if (!logo) return void reply.status(404).headers({ 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).send('not found');
    void reply.headers(logoHeaders(logo.contentType)).send(logo.data);
  }

  @Post('apps')
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.form(req, reply);
    if (!ctx) return;
    const { caller, form, locale } = ctx;
    try {
      const { app, secret } = await this.apps.create(caller.sub, formMetadata(form));
      return this.renderApp(reply, caller, locale, app.clientId, { newSecret: secret }, 201);
    } catch (err) {
      if (!(err instanceof DevelopersError)) throw err;
      const page = renderDevelopersHome({ locale, csrf: caller.csrf, apps: await this.apps.list(caller.sub), error: `${err.error}: ${err.description}`, form: formMetadata(form) as never });
      return this.flow.html(reply, page, err.status);
    }
  }

  @Get('apps/:id')
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('done') done?: string) {
    const caller = await this.callers.session(req);
    if (!caller) return this.signIn(reply);
    const locale = await this.locale(req, caller);
    return this.renderApp(reply, caller, locale, id, { notice: done && DONE[done] ? t(locale, DONE[done]) : undefined });
  }

  @Post('apps/:id/edit')
  edit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      const { secret } = await this.apps.update(caller.sub, id, formMetadata(form), true);
      return secret ? { newSecret: secret } : 'saved';
    });
  }

  @Post('apps/:id/secrets')
  issue(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      const grace = /^\d{1,7}$/.test(str(form.grace_seconds)) ? Number(str(form.grace_seconds)) : str(form.grace_seconds);
      return { newSecret: (await this.apps.rotateSecret(caller.sub, id, grace)).secret };
    });
  }

  @Post('apps/:id/secrets/revoke')
  revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      await this.apps.revokeSecret(caller.sub, id, str(form.secret_id));
      return 'revoked';
    });
  }

  @Post('apps/:id/keys')
  keys(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      let jwks: unknown = null;
      if (str(form.jwks)) {
        try {
          jwks = JSON.parse(str(form.jwks));
        } catch {
          throw new DevelopersError(400, 'invalid_client_metadata', 'jwks is not valid JSON');
        }
      }
      await this.apps.setKeys(caller.sub, id, { jwks, jwks_uri: str(form.jwks_uri) || null });
      return 'saved';
    });
  }

  @Post('apps/:id/logo')
  uploadLogo(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      if (!isFile(form.logo) || !form.logo.data.length) throw new DevelopersError(400, 'invalid_request', 'choose a picture to upload');
      await this.apps.setLogo(caller.sub, id, form.logo.data);
      return 'saved';
    });
  }

  @Post('apps/:id/capabilities')
  requestCapability(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      await this.capabilities.request(id, caller.sub, str(form.capability));
      return 'requested';
    });
  }

  @Post('apps/:id/members')
  addMember(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      await this.apps.addMember(caller.sub, id, str(form.identifier));
      return 'member';
    });
  }

  @Post('apps/:id/members/remove')
  removeMember(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      await this.apps.removeMember(caller.sub, id, str(form.user_id));
      return 'member';
    });
  }

  @Post('apps/:id/delete')
  async remove(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.act(req, reply, id, async (caller, form) => {
      if (form.confirm !== 'yes') throw new DevelopersError(400, 'invalid_request', 'tick the box to confirm');
      await this.apps.remove(caller.sub, id);
      void reply.redirect('/developers?done=deleted', 303);
      return null;
    });
  }

  /**
   * Runs one form of an application's page: session and CSRF first, then the action (which checks
   * the caller is on the team). It answers a notice (redirect), a secret to show once, or null.
   */
  private async act(req: FastifyRequest, reply: FastifyReply, id: string, action: (caller: Session, form: Form) => Promise<string | { newSecret?: string } | null>) {
    const ctx = await this.form(req, reply);
    if (!ctx) return;
    const { caller, form, locale } = ctx;
    try {
      const outcome = await action(caller, form);
      if (outcome === null) return;
      if (typeof outcome === 'string') return void reply.redirect(`/developers/apps/${encodeURIComponent(id)}?done=${outcome}`, 303);
      return this.renderApp(reply, caller, locale, id, outcome);
    } catch (err) {
      if (!(err instanceof DevelopersError)) throw err;
      if (err.status === 404 && err.error === 'not_found' && err.description === 'application not found') return this.notFound(reply, locale);
      return this.renderApp(reply, caller, locale, id, { error: `${err.error}: ${err.description}` }, err.status);
    }
  }

  private async form(req: FastifyRequest, reply: FastifyReply): Promise<{ caller: Session; form: Form; locale: Locale } | null> {
    const caller = await this.callers.session(req);
    const form = (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body : {}) as Form;
    if (!caller) {
      await this.signIn(reply);
      return null;
    }
    const locale = await this.locale(req, caller);
    if (!this.callers.csrfValid(caller, form.csrf)) {
      this.flow.html(reply, renderErrorPage(locale, t(locale, 'error.csrf')), 403);
      return null;
    }
    return { caller, form, locale };
  }

  private async renderApp(reply: FastifyReply, caller: Session, locale: Locale, id: string, extra: { newSecret?: string; notice?: string; error?: string }, status = 200) {
    let app;
    try {
      app = await this.apps.get(caller.sub, id);
    } catch (err) {
      if (err instanceof DevelopersError) return this.notFound(reply, locale);
      throw err;
    }
    const [secrets, capabilities, members, usage] = await Promise.all([
      this.secrets.list(id),
      this.capabilities.forClient(id),
      this.apps.members(caller.sub, id),
      this.usage.daily(id),
    ]);
    const page = renderDeveloperApp({ locale, csrf: caller.csrf, app, secrets, capabilities, members, usage, ...extra });
    if (extra.newSecret) void reply.header('Cache-Control', 'no-store');
    return this.flow.html(reply, page, status);
  }

  private notFound(reply: FastifyReply, locale: Locale) {
    return this.flow.html(reply, renderDevelopersMessage(locale, t(locale, 'dev.notFound')), 404);
  }

  private async locale(req: FastifyRequest, caller: Session): Promise<Locale> {
    const account = await this.bus.request(AccountSubjects.accountGet, { sub: caller.sub });
    return (account.ok && account.value.locale) || pickLocale(undefined, req.headers['accept-language']);
  }

  /** Signs a visitor in through the cabinet's own client, and brings them back here. */
  private async signIn(reply: FastifyReply) {
    await this.client.ensure();
    const state = randomToken();
    const cookie = { path: '/account', httpOnly: true, sameSite: 'lax' as const, secure: this.client.redirectUri.startsWith('https://'), maxAge: 3600 };
    void reply.setCookie(ACCOUNT_STATE_COOKIE, state, cookie).setCookie(ACCOUNT_NEXT_COOKIE, '/developers', cookie);
    void reply.redirect(this.client.signInUrl(state), 303);
  }
}
