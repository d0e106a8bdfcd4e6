import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, ConsentSubjects, CreateUserError } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { AuthorizationService } from '../oidc/authorize/authorization.service';
import { ClientsService } from '../oidc/clients/clients.service';
import { ResourcesService } from '../oidc/resources.service';
import { SessionsService } from '../sessions/sessions.service';
import { formatUserCode } from '../device/user-code';
import { Locale, pickLocale, t } from './i18n';
import { InteractionsService } from './interactions.service';
import { describeScopes } from './scope-descriptions';
import { renderConsent } from './views/consent.view';
import { renderErrorPage } from './views/error.view';
import { renderLogin } from './views/login.view';
import { renderRegister } from './views/register.view';

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

const REGISTER_ERRORS = {
  login_taken: { en: 'This login is taken.', ru: 'Этот логин уже занят.' },
  email_taken: { en: 'This e-mail is already registered.', ru: 'Этот адрес уже зарегистрирован.' },
  phone_taken: { en: 'This phone is already registered.', ru: 'Этот телефон уже зарегистрирован.' },
  invalid_input: { en: 'Check the fields: ', ru: 'Проверьте поля: ' },
} satisfies Record<CreateUserError, Record<Locale, string>>;

/** The login, registration and consent pages of an interaction. */
@Controller('interaction')
export class InteractionController {
  constructor(
    private readonly interactions: InteractionsService,
    private readonly sessions: SessionsService,
    private readonly authorization: AuthorizationService,
    private readonly clients: ClientsService,
    private readonly resources: ResourcesService,
    private readonly bus: BusClient,
  ) {}

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.load(id, req, reply);
    if (!interaction) return;
    if (interaction.state === 'consent') return this.showConsent(interaction, req, reply);
    return this.html(reply, renderLogin({ ...(await this.pageBase(interaction, req)), login: interaction.request.login_hint }));
  }

  @Get(':id/register')
  async showRegister(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.load(id, req, reply);
    if (!interaction) return;
    const base = await this.pageBase(interaction, req);
    return this.html(reply, renderRegister(base));
  }

  @Post(':id/login')
  async login(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'login') return interaction && this.redirectToInteraction(reply, interaction);
    const reply_ = await this.bus.request(AccountsSubjects.passwordVerify, { login: str(form.username), password: str(form.password) });
    if (!reply_.ok) {
      await this.interactions.recordError(interaction, 'invalid_credentials');
      const base = await this.pageBase(interaction, req);
      return this.html(reply, renderLogin({ ...base, login: str(form.username), failed: true }), 401);
    }
    return this.signedIn(interaction, req, reply, reply_.value.sub, ['pwd']);
  }

  @Post(':id/register')
  async register(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'login') return interaction && this.redirectToInteraction(reply, interaction);
    const values = { login: str(form.login), given_name: str(form.given_name), family_name: str(form.family_name), email: str(form.email) };
    const created = await this.bus.request(AccountsSubjects.userCreate, { ...values, password: str(form.password), email: values.email || undefined });
    if (!created.ok) {
      const base = await this.pageBase(interaction, req);
      const message = REGISTER_ERRORS[created.code][base.locale] + (created.code === 'invalid_input' ? created.message : '');
      return this.html(reply, renderRegister({ ...base, values, error: message }), 400);
    }
    return this.signedIn(interaction, req, reply, created.value.id, ['pwd']);
  }

  @Post(':id/consent')
  async consent(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'consent') return interaction && this.redirectToInteraction(reply, interaction);
    const request = interaction.request;
    if (form.decision !== 'allow') {
      if (await this.interactions.transition(interaction, 'aborted', { lastError: 'access_denied' })) {
        return this.authorization.deny(reply, request);
      }
      return this.expired(req, reply);
    }
    await this.bus.value(ConsentSubjects.consentGrant, { userId: interaction.userId!, clientId: interaction.clientId, scopes: request.scopes });
    return this.finish(interaction, req, reply);
  }

  /** After a successful login or registration: start the SSO session, then consent or finish. */
  private async signedIn(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, userId: string, amr: string[]) {
    const session = await this.sessions.start(reply, userId, amr);
    const client = await this.clients.find(interaction.clientId);
    if (!client) return this.expired(req, reply);
    const user = { userId, sessionId: session.id, authTime: session.authTime, amr: session.amr };
    if (await this.authorization.needsConsent(client, interaction.request, userId)) {
      const moved = await this.interactions.transition(interaction, 'consent', user);
      return moved ? this.redirectToInteraction(reply, interaction) : this.expired(req, reply);
    }
    return this.finish(Object.assign(interaction, user), req, reply);
  }

  private async finish(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply) {
    if (!(await this.interactions.transition(interaction, 'completed'))) return this.expired(req, reply);
    await this.authorization.complete(reply, interaction.request, {
      userId: interaction.userId!,
      sessionId: interaction.sessionId!,
      authTime: interaction.authTime!,
      amr: interaction.amr ?? [],
    });
  }

  private async showConsent(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply) {
    const base = await this.pageBase(interaction, req);
    const client = await this.clients.find(interaction.clientId);
    const claims = await this.bus.value(AccountsSubjects.claimsGet, { sub: interaction.userId!, scopes: ['profile', 'email'] });
    const scopes = interaction.request.scopes;
    const items = describeScopes(base.locale, scopes, await this.resources.forScopes(scopes));
    const userLabel = String(claims.name ?? claims.preferred_username ?? claims.email ?? '');
    const code = interaction.request.device_user_code;
    const deviceCheck = code ? t(base.locale, 'device.check', { code: formatUserCode(code) }) : undefined;
    return this.html(reply, renderConsent({ ...base, items, userLabel, logoUri: client?.metadata.logo_uri, deviceCheck }));
  }

  /** The interaction, if it is live and this browser's; on a POST also the CSRF token must match. */
  private async load(id: string, req: FastifyRequest, reply: FastifyReply, form?: Form): Promise<InteractionEntity | null> {
    const interaction = await this.interactions.find(id, req);
    if (!interaction) {
      this.expired(req, reply);
      return null;
    }
    if (form && !this.interactions.csrfValid(interaction, form.csrf)) {
      const locale = pickLocale(interaction.request.ui_locales, req.headers['accept-language']);
      this.html(reply, renderErrorPage(locale, t(locale, 'error.csrf')), 403);
      return null;
    }
    return interaction;
  }

  private async pageBase(interaction: InteractionEntity, req: FastifyRequest) {
    const client = await this.clients.find(interaction.clientId);
    return {
      locale: pickLocale(interaction.request.ui_locales, req.headers['accept-language']),
      interactionId: interaction.id,
      csrf: interaction.csrfToken,
      clientName: client?.metadata.client_name ?? interaction.clientId,
    };
  }

  private redirectToInteraction(reply: FastifyReply, interaction: InteractionEntity) {
    void reply.redirect(`/interaction/${interaction.id}`, 303);
  }

  private expired(req: FastifyRequest, reply: FastifyReply) {
    const locale = pickLocale(undefined, req.headers['accept-language']);
    this.html(reply, renderErrorPage(locale, t(locale, 'error.expired')), 400);
  }

  private html(reply: FastifyReply, body: string, status = 200) {
    void reply
      .status(status)
      .headers({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Frame-Options': 'DENY',
        'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'",
      })
      .send(body);
  }
}
