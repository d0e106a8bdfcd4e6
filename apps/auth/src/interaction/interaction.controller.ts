import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient, EventPublisher } from '@idp/bus';
import { AccountsSubjects, ConsentSubjects, CreateUserError } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { AuthorizationService } from '../oidc/authorize/authorization.service';
import { ResourcesService } from '../oidc/resources.service';
import { formatUserCode } from '../device/user-code';
import { MessageKey, t } from './i18n';
import { Form, InteractionFlow, str } from './interaction-flow.service';
import { cancelDetails, isLive } from './cancel-stage';
import { loginMethods } from './login-methods';
import { InteractionsService } from './interactions.service';
import { describeScopes } from './scope-descriptions';
import { PasswordThrottleService } from '../rate-limit/password-throttle.service';
import { renderConsent } from './views/consent.view';
import { renderErrorPage } from './views/error.view';
import { renderLogin } from './views/login.view';
import { renderRegister } from './views/register.view';
import { renderFederatedForm } from '../organizations/federated.view';
import { HomeRealm } from '../organizations/home-realm';

const REGISTER_ERRORS = {
  login_taken: 'register.loginTaken',
  email_taken: 'register.emailTaken',
  phone_taken: 'register.phoneTaken',
  invalid_input: 'register.checkFields',
} satisfies Record<CreateUserError, MessageKey>;

/** The login, registration and consent pages of an interaction. */
@Controller('interaction')
export class InteractionController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly interactions: InteractionsService,
    private readonly authorization: AuthorizationService,
    private readonly resources: ResourcesService,
    private readonly bus: BusClient,
    private readonly throttle: PasswordThrottleService,
    private readonly events: EventPublisher,
    private readonly homeRealm: HomeRealm,
  ) {}

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.load(id, req, reply);
    if (!interaction) return;
    if (interaction.state === 'consent') return this.showConsent(interaction, req, reply);
    if (interaction.state === 'otp') return this.flow.redirect(reply, interaction, '/otp');
    if (interaction.state === 'profile') return this.flow.redirect(reply, interaction, '/profile');
    if (interaction.state === 'iin') return this.flow.redirect(reply, interaction, '/iin');
    if (interaction.state === 'second_factor') return this.flow.redirect(reply, interaction, '/second-factor');
    if (interaction.state === 'password_change') return this.flow.redirect(reply, interaction, '/password');
    const base = await this.flow.pageBase(interaction, req);
    const hint = interaction.request.login_hint;
    // A hint that looks like a phone or an address also fills the code forms (Aitu pre-fills the phone).
    const hintedPhone = hint && /^[+\d][\d\s()-]{4,}$/.test(hint) ? hint : undefined;
    const prefill = { phone: interaction.request.phone ?? hintedPhone, email: hint?.includes('@') ? hint : undefined };
    const federatedForm = base.client?.metadata.allowed_login_methods.includes('federated') ? renderFederatedForm(base.locale, id, base.csrf, prefill.email) : undefined;
    return this.flow.html(reply, renderLogin({ ...base, methods: loginMethods(base.client), login: hint, ...prefill, federatedForm }));
  }

  @Get(':id/register')
  async showRegister(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.load(id, req, reply);
    if (!interaction) return;
    const base = await this.flow.pageBase(interaction, req);
    if (!loginMethods(base.client).password) return this.flow.redirect(reply, interaction);
    return this.flow.html(reply, renderRegister(base));
  }

  @Post(':id/login')
  async login(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'login') return interaction && this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const methods = loginMethods(base.client);
    // A work address on a verified company domain goes to the company's sign-in, not to a password check.
    if (await this.homeRealm.divert(reply, interaction, base.client, str(form.username))) return;
    if (!methods.password) return this.flow.html(reply, renderErrorPage(base.locale, t(base.locale, 'login.passwordNotAllowed')), 403);
    const wait = await this.throttle.blocked(str(form.username), req.ip);
    if (wait !== null) {
      void reply.header('Retry-After', String(wait));
      return this.flow.html(reply, renderLogin({ ...base, methods, login: str(form.username), error: t(base.locale, 'login.tooMany', { seconds: String(wait) }) }), 429);
    }
    const context = { ip: req.ip, user_agent: String(req.headers['user-agent'] ?? '').slice(0, 400) || undefined, client_id: interaction.clientId };
    const reply_ = await this.bus.request(AccountsSubjects.passwordVerify, { login: str(form.username), password: str(form.password), context });
    if (!reply_.ok && reply_.code === 'method_disabled') {
      return this.flow.html(reply, renderLogin({ ...base, methods, login: str(form.username), error: t(base.locale, 'login.methodDisabled') }), 403);
    }
    if (!reply_.ok) {
      await this.throttle.failed(str(form.username), req.ip);
      await this.interactions.recordError(interaction, 'invalid_credentials');
      this.events.publish('user.login_failed', { client_id: interaction.clientId, reason: 'invalid_credentials' });
      return this.flow.html(reply, renderLogin({ ...base, methods, login: str(form.username), failed: true }), 401);
    }
    return this.flow.signedIn(interaction, req, reply, reply_.value.sub, ['pwd']);
  }

  @Post(':id/register')
  async register(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'login') return interaction && this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    if (!loginMethods(base.client).password) return this.flow.html(reply, renderErrorPage(base.locale, t(base.locale, 'login.passwordNotAllowed')), 403);
    const values = { login: str(form.login), given_name: str(form.given_name), family_name: str(form.family_name), email: str(form.email) };
    const created = await this.bus.request(AccountsSubjects.userCreate, { ...values, password: str(form.password), email: values.email || undefined });
    if (!created.ok) {
      const message = t(base.locale, REGISTER_ERRORS[created.code], { problems: created.code === 'invalid_input' ? created.message : '' });
      return this.flow.html(reply, renderRegister({ ...base, values, error: message }), 400);
    }
    return this.flow.signedIn(interaction, req, reply, created.value.id, ['pwd']);
  }

  @Post(':id/consent')
  async consent(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'consent') return interaction && this.flow.redirect(reply, interaction);
    const request = interaction.request;
    if (form.decision !== 'allow') return this.abort(interaction, req, reply);
    await this.bus.value(ConsentSubjects.consentGrant, { userId: interaction.userId!, clientId: interaction.clientId, scopes: request.scopes, resource: request.resource ?? null });
    return this.flow.finish(interaction, req, reply);
  }

  /** The cancel button of every step (login, code, profile, consent). */
  @Post(':id/cancel')
  async cancel(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.load(id, req, reply, form);
    if (!interaction) return;
    return this.abort(interaction, req, reply);
  }

  /** Ends the interaction where it stands; of a cancel racing a finish, only one wins the transition. */
  private async abort(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply) {
    const state = interaction.state;
    if (!isLive(state) || !(await this.interactions.transition(interaction, 'aborted'))) return this.flow.expired(req, reply);
    return this.authorization.deny(reply, interaction.request, cancelDetails(interaction, state));
  }

  private async showConsent(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply) {
    const base = await this.flow.pageBase(interaction, req);
    const client = base.client;
    const claims = await this.bus.value(AccountsSubjects.claimsGet, { sub: interaction.userId!, scopes: ['profile', 'email'] });
    const scopes = interaction.request.scopes;
    const items = describeScopes(base.locale, scopes, await this.resources.forScopes(scopes), interaction.request.bin);
    const userLabel = String(claims.name ?? claims.preferred_username ?? claims.email ?? claims.phone_number ?? '');
    const code = interaction.request.device_user_code;
    const deviceCheck = code ? t(base.locale, 'device.check', { code: formatUserCode(code) }) : undefined;
    return this.flow.html(reply, renderConsent({ ...base, items, userLabel, logoUri: client?.metadata.logo_uri, deviceCheck }));
  }

  private load(id: string, req: FastifyRequest, reply: FastifyReply, form?: Form) {
    return this.flow.load(id, req, reply, form);
  }
}
