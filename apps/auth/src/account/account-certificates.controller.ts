import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac } from 'node:crypto';
import type { X509Certificate } from '@peculiar/x509';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { BindCertificateError, CertificatesSubjects } from '@idp/contracts';
import { SsoSessionEntity } from '@idp/domain';
import { CertificateChallengesService, decodeKey } from '../certificate/certificate-challenges.service';
import { CertificateRefused } from '../certificate/certificate-errors';
import { CertificateLoginService } from '../certificate/certificate-login.service';
import { parseCertificate, thumbprints } from '../certificate/certificate-parse';
import { renderChallenge } from '../certificate/certificate.views';
import { Locale, MessageKey, pickLocale, t } from '../interaction/i18n';
import { Form, InteractionFlow, str } from '../interaction/interaction-flow.service';
import { renderErrorPage } from '../interaction/views/error.view';
import { esc } from '../interaction/views/html';
import { safeEqual } from '../oidc/crypto';
import { SessionsService, savedLocaleOf } from '../sessions/sessions.service';
import { renderAccountCertificates } from './account-certificates.view';

const BIND_MESSAGES = {
  not_found: 'certs.signInFirst',
  already_bound: 'certs.alreadyBound',
  bound_elsewhere: 'certs.boundElsewhere',
} satisfies Record<BindCertificateError, MessageKey>;

const NOTICES: Record<string, MessageKey> = { bound: 'certs.bound', removed: 'certs.removed' };

/**
 * The cabinet's certificates page, for the signed-in user: list, remove, and bind a new one after
 * proving possession with the same challenge as the login (a JWE only the private key opens).
 */
@Controller('account/certificates')
export class AccountCertificatesController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
    private readonly login: CertificateLoginService,
    private readonly challenges: CertificateChallengesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    const session = await this.session(req, reply);
    if (!session) return;
    const notice = typeof done === 'string' && NOTICES[done] ? t(locale(req), NOTICES[done]) : undefined;
    return this.page(req, reply, session, { notice });
  }

  /** Step 1 of binding: the pasted certificate is validated and answered with a challenge. */
  @Post()
  async upload(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const session = await this.session(req, reply, form);
    if (!session) return;
    const l = locale(req);
    const pasted = str(form.certificate);
    const cert = parseCertificate(pasted);
    if (!cert) return this.page(req, reply, session, { error: t(l, 'cert.invalid'), certificate: pasted }, 400);
    try {
      const valid = await this.login.validate(cert);
      await this.challenges.sweep();
      const created = await this.challenges.create(cert, valid.prints, { purpose: 'bind', userId: session.userId });
      return this.challengePage(req, reply, session, { id: created.id, jwe: created.encryptedKey, sha1: valid.prints.sha1 });
    } catch (err) {
      if (!(err instanceof CertificateRefused)) throw err;
      return this.page(req, reply, session, { error: t(l, `cert.problem.${err.refusal}`), certificate: pasted }, 400);
    }
  }

  /** Step 2 of binding: the decrypted key proves possession; the certificate is bound to this account. */
  @Post('verify')
  async verify(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const session = await this.session(req, reply, form);
    if (!session) return;
    const l = locale(req);
    const owner = { purpose: 'bind' as const, userId: session.userId };
    const live = await this.challenges.live(owner, str(form.challenge_id));
    if (!live) return this.page(req, reply, session, { error: t(l, 'cert.noChallenge') }, 400);
    let row;
    try {
      row = await this.challenges.consume(owner, decodeKey(str(form.decrypted_key)), live.sha1);
    } catch (err) {
      if (!(err instanceof CertificateRefused)) throw err;
      return this.challengePage(req, reply, session, { id: live.id, jwe: live.jwe, sha1: live.sha1 }, t(l, `cert.problem.${err.refusal}`), 400);
    }
    return this.bind(req, reply, session, parseCertificate(row.pem)!);
  }

  /** Validated again (it may have been revoked since the challenge), then bound to the signed-in account. */
  private async bind(req: FastifyRequest, reply: FastifyReply, session: SsoSessionEntity, cert: X509Certificate) {
    const l = locale(req);
    try {
      const valid = await this.login.validate(cert);
      const bound = await this.bus.request(CertificatesSubjects.bind, { sub: session.userId, certificate: this.login.facts(cert, valid.prints), source: 'challenge' });
      if (!bound.ok) return this.page(req, reply, session, { error: t(l, BIND_MESSAGES[bound.code]) }, bound.code === 'not_found' ? 404 : 409);
    } catch (err) {
      if (!(err instanceof CertificateRefused)) throw err;
      return this.page(req, reply, session, { error: t(l, `cert.problem.${err.refusal}`) }, 400);
    }
    void reply.redirect('/account/certificates?done=bound', 303);
  }

  /** Behind a TLS proxy that verified the browser's certificate, that certificate binds at once: the TLS handshake proved possession. */
  @Post('proxy')
  async bindPresented(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const session = await this.session(req, reply, form);
    if (!session) return;
    const l = locale(req);
    const cert = this.login.proxyCertificate(req);
    if (!cert) return this.page(req, reply, session, { error: t(l, 'cert.notFromProxy') }, 403);
    return this.bind(req, reply, session, cert);
  }

  @Post(':id/remove')
  async remove(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const session = await this.session(req, reply, form);
    if (!session) return;
    await this.bus.request(CertificatesSubjects.remove, { sub: session.userId, id });
    void reply.redirect('/account/certificates?done=removed', 303);
  }

  /** The signed-in user's session; on a POST the CSRF token must match too. Otherwise the answer is sent. */
  private async session(req: FastifyRequest, reply: FastifyReply, form?: Form): Promise<SsoSessionEntity | null> {
    const session = await this.sessions.current(req);
    const l = locale(req);
    if (!session) {
      this.flow.html(reply, renderErrorPage(l, t(l, 'certs.signInFirst')), 401);
      return null;
    }
    if (form && !safeEqual(str(form.csrf), this.csrf(session))) {
      this.flow.html(reply, renderErrorPage(l, t(l, 'error.csrf')), 403);
      return null;
    }
    return session;
  }

  /** Bound to the session and keyed by a server secret: another site can neither read nor forge it. */
  private csrf(session: SsoSessionEntity): string {
    return createHmac('sha256', this.config.keyEncryptionKey).update(`account-csrf:${session.id}`).digest('base64url');
  }

  private async page(req: FastifyRequest, reply: FastifyReply, session: SsoSessionEntity, extra: { notice?: string; error?: string; certificate?: string }, status = 200) {
    const certificates = await this.bus.value(CertificatesSubjects.list, { sub: session.userId });
    const presented = this.login.proxyCertificate(req);
    const presentedSha1 = presented ? (await thumbprints(presented)).sha1 : null;
    const proxySubject = presented && !certificates.some((c) => c.sha1 === presentedSha1) ? presented.subject : undefined;
    return this.flow.html(reply, renderAccountCertificates({ locale: locale(req), csrf: this.csrf(session), certificates, proxySubject, ...extra }), status);
  }

  private challengePage(req: FastifyRequest, reply: FastifyReply, session: SsoSessionEntity, c: { id: string; jwe: string; sha1: string }, error?: string, status = 200) {
    const l = locale(req);
    const page = renderChallenge({
      locale: l,
      title: t(l, 'certs.add'),
      action: '/account/certificates/verify',
      csrf: this.csrf(session),
      challengeId: c.id,
      jwe: c.jwe,
      sha1: c.sha1,
      error,
      extra: `<p><a href="/account/certificates">${esc(t(l, 'certs.title'))}</a></p>`,
    });
    return this.flow.html(reply, page, status);
  }
}

/** The page language: the saved one of the session this request looked up, else Accept-Language. */
const locale = (req: FastifyRequest): Locale => pickLocale(undefined, req.headers['accept-language'], savedLocaleOf(req));
