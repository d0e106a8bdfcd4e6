import { Controller, Get, Inject, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, Repository } from 'typeorm';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AccountsSubjects, FederatedSignInRequest, OrganisationsSubjects as S } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { Outbound } from '@idp/outbound';
import { pickLocale, t } from '../interaction/i18n';
import { Form, InteractionFlow, str } from '../interaction/interaction-flow.service';
import { loginMethods } from '../interaction/login-methods';
import { renderErrorPage } from '../interaction/views/error.view';
import { renderLogin } from '../interaction/views/login.view';
import { sha256 } from '../oidc/crypto';
import { renderFederatedForm, renderLinkPage } from './federated.view';
import { UpstreamProfile, UpstreamRefused, UpstreamUntrusted, redeemCode } from './upstream-client';
import { UpstreamProvidersService } from './upstream-providers.service';
import { PasswordThrottleService } from '../rate-limit/password-throttle.service';
import { FederatedSessions } from './federated-sessions';
import { LinkProof } from './link-proof';
import { BROWSER_COOKIE, CALLBACK_PATH, HomeRealm, TRIP_SECONDS } from './home-realm';

type Row = Record<string, any>;
const changed = (result: unknown): Row[] => (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : []) as Row[];

/**
 * Home-realm discovery and the way back: a work e-mail on a verified domain sends the browser to
 * its organisation's identity provider (state, nonce, PKCE S256); the callback validates what comes
 * back and signs the person in to the linked account, a new one, or (after they prove control of it)
 * the existing account with that address.
 */
@Controller('interaction')
export class FederatedLoginController {
  private readonly log = new Logger('Federation');

  constructor(
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
    private readonly providers: UpstreamProvidersService,
    private readonly outbound: Outbound,
    @InjectDataSource('auth') private readonly db: DataSource,
    @InjectRepository(InteractionEntity, 'auth') private readonly interactions: Repository<InteractionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: PasswordThrottleService,
    private readonly federatedSessions: FederatedSessions,
    private readonly homeRealm: HomeRealm,
    private readonly proof: LinkProof,
  ) {}

  private get redirectUri() {
    return this.config.issuer + CALLBACK_PATH;
  }

  @Post(':id/federated')
  async start(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction || interaction.state !== 'login') return interaction && this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const email = str(form.email).trim();
    const provider = email ? await this.homeRealm.providerFor(base.client, email) : null;
    if (!provider) {
      const federatedForm = renderFederatedForm(base.locale, id, base.csrf, email, t(base.locale, 'fed.noRoute'));
      return this.flow.html(reply, renderLogin({ ...base, methods: loginMethods(base.client), federatedForm }), 400);
    }
    return this.homeRealm.send(reply, interaction, provider, email);
  }

  @Get('federated/callback')
  async callback(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const state = typeof query.state === 'string' ? query.state : '';
    const browser = req.cookies?.[BROWSER_COOKIE] ?? '';
    void reply.clearCookie(BROWSER_COOKIE, { path: CALLBACK_PATH });
    // Single use, this browser's, and recent: a replayed or stolen callback finds nothing.
    const [trip] = state
      ? changed(
          await this.db.query(
            `UPDATE auth.federated_logins SET consumed_at = now() WHERE state_hash = $1 AND consumed_at IS NULL AND browser_hash = $2 AND created_at > now() - make_interval(secs => $3) RETURNING *`,
            [sha256(state), sha256(browser), TRIP_SECONDS],
          ),
        )
      : [];
    const interaction = trip ? await this.interactions.findOne({ where: { id: trip.interaction_id } }) : null;
    if (!trip || !interaction || interaction.state !== 'login' || interaction.expiresAt.getTime() <= Date.now()) return this.flow.expired(req, reply);
    const pageLocale = pickLocale(interaction.request.ui_locales, req.headers['accept-language']);
    const provider = await this.providers.find(trip.provider_id);
    if (!provider) return this.flow.expired(req, reply);

    if (typeof query.error === 'string') {
      const reason = typeof query.error_description === 'string' ? query.error_description.slice(0, 300) : query.error.slice(0, 100);
      return this.flow.html(reply, renderErrorPage(pageLocale, t(pageLocale, 'fed.upstreamError', { reason })), 502);
    }
    let profile: UpstreamProfile;
    try {
      if (typeof query.code !== 'string' || !query.code) throw new UpstreamUntrusted('no code');
      profile = (await redeemCode(this.outbound, provider, this.providers.clientSecret(provider), { code: query.code, codeVerifier: trip.code_verifier, nonce: trip.nonce, redirectUri: this.redirectUri })).profile;
    } catch (err) {
      if (err instanceof UpstreamRefused) return this.flow.html(reply, renderErrorPage(pageLocale, t(pageLocale, 'fed.upstreamError', { reason: err.reason.slice(0, 100) })), 502);
      this.log.warn(`upstream ${provider.id} answer refused: ${err instanceof UpstreamUntrusted ? err.message : 'unexpected error'}`);
      return this.flow.html(reply, renderErrorPage(pageLocale, t(pageLocale, 'fed.badResponse')), 502);
    }
    // An address is taken from the upstream only on one of its organisation's verified domains.
    const route = profile.email ? await this.bus.request(S.route, { email: profile.email }) : null;
    const email = route?.ok && route.value.organization_id === provider.organizationId ? profile.email : undefined;
    const identity = { provider_id: provider.id, organization_id: provider.organizationId, subject: profile.subject, email, email_verified: profile.email_verified, given_name: profile.given_name, family_name: profile.family_name };
    const signIn = await this.bus.request(S.federatedSignIn, identity);
    if (!signIn.ok) {
      if (signIn.code === 'link_required') {
        await this.db.query(
          `INSERT INTO auth.federated_pending_links (interaction_id, provider_id, organization_id, profile, holder_sub) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (interaction_id) DO UPDATE SET provider_id = EXCLUDED.provider_id, organization_id = EXCLUDED.organization_id, profile = EXCLUDED.profile,
             holder_sub = EXCLUDED.holder_sub, challenge_id = NULL, challenge_channel = NULL, challenge_destination = NULL, created_at = now()`,
          [interaction.id, provider.id, provider.organizationId, JSON.stringify(identity), signIn.details?.holder ?? null],
        );
        return this.flow.redirect(reply, interaction, '/federated/link');
      }
      const message = signIn.code === 'locked' ? t(pageLocale, 'fed.locked') : t(pageLocale, 'fed.badResponse');
      return this.flow.html(reply, renderErrorPage(pageLocale, message), signIn.code === 'locked' ? 403 : 502);
    }
    return this.signIn(interaction, req, reply, signIn.value.sub, ['fed'], provider.id, provider.issuer ?? provider.authorizationEndpoint);
  }

  @Get(':id/federated/link')
  async showLink(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const interaction = await this.flow.load(id, req, reply);
    if (!interaction) return;
    const pending = await this.pending(interaction.id);
    if (!pending || interaction.state !== 'login') return this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    return this.flow.html(reply, renderLinkPage({ locale: base.locale, interactionId: id, csrf: base.csrf, email: pending.profile.email, codes: await this.proof.options(pending.holder) }));
  }

  /** The owner of the existing account signs in to it with its password; only then is the upstream identity linked. */
  @Post(':id/federated/link')
  async link(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return;
    const pending = await this.pending(interaction.id);
    if (!pending || interaction.state !== 'login') return this.flow.redirect(reply, interaction);
    const base = await this.flow.pageBase(interaction, req);
    const email: string = pending.profile.email;
    // The same wall against guessing as the sign-in page.
    const wait = await this.throttle.blocked(str(form.username), req.ip);
    if (wait !== null) {
      void reply.header('Retry-After', String(wait));
      return this.flow.html(reply, renderLinkPage({ locale: base.locale, interactionId: id, csrf: base.csrf, email, failed: true, codes: await this.proof.options(pending.holder) }), 429);
    }
    const verified = await this.bus.request(AccountsSubjects.passwordVerify, { login: str(form.username), password: str(form.password) });
    const owner = verified.ok ? await this.bus.request(AccountsSubjects.claimsGet, { sub: verified.value.sub, scopes: ['email'] }) : null;
    if (!verified.ok || !owner?.ok || owner.value.email !== email) {
      if (!verified.ok) await this.throttle.failed(str(form.username), req.ip);
      return this.flow.html(reply, renderLinkPage({ locale: base.locale, interactionId: id, csrf: base.csrf, email, failed: true, codes: await this.proof.options(pending.holder) }), 401);
    }
    const linked = await this.bus.request(S.federatedLink, { ...(pending.profile as FederatedSignInRequest), sub: verified.value.sub });
    if (!linked.ok) return this.flow.html(reply, renderErrorPage(base.locale, t(base.locale, 'fed.badResponse')), 409);
    await this.db.query(`DELETE FROM auth.federated_pending_links WHERE interaction_id = $1`, [interaction.id]);
    const provider = await this.providers.find(pending.provider_id);
    return this.signIn(interaction, req, reply, verified.value.sub, ['pwd', 'fed'], pending.provider_id, provider?.issuer ?? provider?.authorizationEndpoint ?? pending.provider_id);
  }

  private async signIn(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, sub: string, amr: string[], providerId: string, idp: string) {
    await this.federatedSessions.record(interaction.id, providerId, idp);
    return this.flow.signedIn(interaction, req, reply, sub, amr);
  }

  private async pending(interactionId: string) {
    const found = await this.proof.pending(interactionId);
    return found && { provider_id: found.providerId, profile: found.profile as Record<string, any>, holder: found.holder };
  }
}

