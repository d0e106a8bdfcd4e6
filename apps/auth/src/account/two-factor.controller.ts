import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { SecondFactorSubjects } from '@idp/contracts';
import { SsoSessionEntity } from '@idp/domain';
import { Locale, pickLocale, t } from '../interaction/i18n';
import { Form, InteractionFlow, str } from '../interaction/interaction-flow.service';
import { VERIFY_ERRORS } from '../interaction/second-factor.controller';
import { SecondFactorGate } from '../second-factor/second-factor.gate';
import { SessionsService } from '../sessions/sessions.service';
import { twoFactorCsrf, twoFactorCsrfValid } from './two-factor-csrf';
import { renderSignInFirst, renderTotpEnrolPage, renderTwoFactorPage, TwoFactorPage } from './two-factor.view';

interface Signed {
  session: SsoSessionEntity;
  locale: Locale;
  csrf: string;
}

/**
 * /account/two-factor: the signed-in user (the SSO session cookie) turns factors on and off, makes
 * new backup codes, and stops trusting browsers. Forms carry a CSRF token derived from the session,
 * which a page of another site cannot read or compute.
 */
@Controller('account/two-factor')
export class TwoFactorAccountController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly gate: SecondFactorGate,
    private readonly flow: InteractionFlow,
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply);
    if (signed) return this.page(signed, reply);
  }

  @Post('totp')
  async beginTotp(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (signed) return this.enrolPage(signed, reply);
  }

  @Post('totp/confirm')
  async confirmTotp(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (!signed) return;
    const confirmed = await this.bus.request(SecondFactorSubjects.totpConfirm, { sub: signed.session.userId, code: str(this.form(req).code) });
    if (!confirmed.ok) return this.enrolPage(signed, reply, VERIFY_ERRORS[confirmed.code].text(signed.locale, confirmed.details ?? {}), VERIFY_ERRORS[confirmed.code].status);
    return this.page(signed, reply, { notice: t(signed.locale, 'account2fa.saved'), codes: confirmed.value.backupCodes });
  }

  @Post('sms')
  async setSms(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (!signed) return;
    const set = await this.bus.request(SecondFactorSubjects.smsSet, { sub: signed.session.userId, enabled: this.form(req).enabled === '1' });
    if (!set.ok) return this.page(signed, reply, { error: t(signed.locale, set.code === 'last_factor' ? 'account2fa.lastFactor' : 'account2fa.smsUnavailable') }, 400);
    return this.page(signed, reply, { notice: t(signed.locale, 'account2fa.saved'), codes: set.value.backupCodes });
  }

  @Post('backup-codes')
  async regenerate(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (!signed) return;
    const form = this.form(req);
    const made = await this.bus.request(SecondFactorSubjects.backupRegenerate, { sub: signed.session.userId, password: str(form.password) || undefined, code: str(form.code) || undefined });
    if (!made.ok) {
      if (made.code === 'not_enrolled') return this.page(signed, reply, { error: t(signed.locale, 'twofa.notEnrolled') }, 400);
      return this.reauthRefused(signed, reply, made.code, made.details?.retryAfter);
    }
    return this.page(signed, reply, { codes: made.value.codes });
  }

  @Post('disable')
  async disable(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (!signed) return;
    const form = this.form(req);
    const done = await this.bus.request(SecondFactorSubjects.disable, {
      sub: signed.session.userId,
      password: str(form.password) || undefined,
      code: str(form.code) || undefined,
      smsChallengeId: str(form.sms_challenge_id) || undefined,
    });
    if (!done.ok) return this.reauthRefused(signed, reply, done.code, done.details?.retryAfter);
    return this.page(signed, reply, { notice: t(signed.locale, 'account2fa.off') });
  }

  /** An SMS code to the verified phone, to turn 2FA off with: the disable form then carries its challenge. */
  @Post('disable/sms')
  async disableSms(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (!signed) return;
    const sent = await this.bus.request(SecondFactorSubjects.smsSend, { sub: signed.session.userId, ip: req.ip, locale: signed.locale });
    if (!sent.ok) {
      if (sent.code === 'not_enrolled') return this.page(signed, reply, { error: t(signed.locale, 'twofa.notEnrolled') }, 400);
      void reply.header('Retry-After', String(sent.details?.retryAfter ?? 0));
      return this.page(signed, reply, { error: t(signed.locale, 'twofa.sendFailed', { seconds: String(sent.details?.retryAfter ?? 0) }) }, 429);
    }
    return this.page(signed, reply, { notice: t(signed.locale, 'twofa.smsSent', { phone: sent.value.phoneMasked }), smsChallengeId: sent.value.challengeId });
  }

  /** A wrong password or code (400), or the account's wait after too many (429 with Retry-After). */
  private reauthRefused(signed: Signed, reply: FastifyReply, code: 'reauthentication_failed' | 'too_many_attempts', retryAfter = 0) {
    if (code === 'too_many_attempts') {
      void reply.header('Retry-After', String(retryAfter));
      return this.page(signed, reply, { error: t(signed.locale, 'twofa.tooMany', { seconds: String(retryAfter) }) }, 429);
    }
    return this.page(signed, reply, { error: t(signed.locale, 'account2fa.reauthFailed') }, 400);
  }

  @Post('devices/revoke')
  async revokeDevice(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const signed = await this.signedIn(req, reply, true);
    if (!signed) return;
    const id = str(this.form(req).id);
    await this.bus.value(SecondFactorSubjects.deviceRevoke, { sub: signed.session.userId, id: id || undefined });
    return this.page(signed, reply, { notice: t(signed.locale, 'account2fa.revoked') });
  }

  private form(req: FastifyRequest): Form {
    return (req.body ?? {}) as Form;
  }

  /** The signed-in user, with the CSRF check on forms; otherwise the answer is already sent. */
  private async signedIn(req: FastifyRequest, reply: FastifyReply, isForm = false): Promise<Signed | null> {
    const session = await this.sessions.current(req);
    const locale = pickLocale((req.query as Record<string, string> | undefined)?.ui_locales, req.headers['accept-language'], session?.locale);
    if (!session) {
      this.flow.html(reply, renderSignInFirst(locale), 401);
      return null;
    }
    const csrf = twoFactorCsrf(this.config.keyEncryptionKey, session.tokenHash);
    if (isForm && !twoFactorCsrfValid(this.config.keyEncryptionKey, session.tokenHash, this.form(req).csrf)) {
      this.flow.html(reply, renderSignInFirst(locale).replace(t(locale, 'account2fa.signIn'), t(locale, 'error.csrf')), 403);
      return null;
    }
    return { session, locale, csrf };
  }

  private async page(signed: Signed, reply: FastifyReply, extra: Partial<TwoFactorPage> = {}, status = 200) {
    const sub = signed.session.userId;
    const factors = await this.gate.status(sub);
    if (!factors) return this.flow.html(reply, renderSignInFirst(signed.locale), 401);
    const devices = await this.bus.value(SecondFactorSubjects.deviceList, { sub });
    return this.flow.html(reply, renderTwoFactorPage({ locale: signed.locale, csrf: signed.csrf, status: factors, devices, ...extra }), status);
  }

  private async enrolPage(signed: Signed, reply: FastifyReply, error?: string, status = 200) {
    const sub = signed.session.userId;
    const enrolment = await this.bus.request(SecondFactorSubjects.totpBegin, { sub, label: await this.gate.label(sub) });
    if (!enrolment.ok) return this.page(signed, reply, { error: t(signed.locale, 'account2fa.totpOn') }, 409);
    const { uri, secret } = enrolment.value;
    return this.flow.html(reply, renderTotpEnrolPage({ locale: signed.locale, csrf: signed.csrf, qr: await this.gate.qrDataUrl(uri), secret, error }), status);
  }
}
