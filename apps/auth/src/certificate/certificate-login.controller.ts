import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventPublisher } from '@idp/bus';
import { InteractionEntity } from '@idp/domain';
import { t } from '../interaction/i18n';
import { Form, InteractionFlow, PageBase, str } from '../interaction/interaction-flow.service';
import { InteractionsService } from '../interaction/interactions.service';
import { renderErrorPage } from '../interaction/views/error.view';
import { cancelForm } from '../interaction/views/html';
import { CertificateChallengesService, decodeKey } from './certificate-challenges.service';
import { CertificateRefused } from './certificate-errors';
import { CertificateLoginService } from './certificate-login.service';
import { parseCertificate } from './certificate-parse';
import { CERTIFICATE_AMR } from './certificate.grant';
import { renderCertificateLogin, renderChallenge } from './certificate.views';

/**
 * Sign-in by certificate inside the login interaction: (a) behind a TLS-terminating proxy that
 * verified the browser's client certificate and forwards it in CERT_PROXY_HEADER, believed only
 * from CERT_PROXY_ADDRESSES; (b) otherwise the user pastes the certificate, the page shows the
 * challenge, and the desktop helper's decrypted key proves possession.
 */
@Controller('interaction')
export class CertificateLoginController {
  constructor(
    private readonly flow: InteractionFlow,
    private readonly interactions: InteractionsService,
    private readonly login: CertificateLoginService,
    private readonly challenges: CertificateChallengesService,
    private readonly events: EventPublisher,
  ) {}

  @Get(':id/certificate')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ready = await this.ready(id, req, reply);
    if (!ready) return;
    const proxied = this.login.proxyCertificate(req);
    return this.flow.html(reply, renderCertificateLogin({ ...ready.base, proxySubject: proxied?.subject }));
  }

  @Post(':id/certificate/proxy')
  async proxy(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ready = await this.ready(id, req, reply, (req.body ?? {}) as Form);
    if (!ready) return;
    const cert = this.login.proxyCertificate(req);
    if (!cert) return this.flow.html(reply, renderCertificateLogin({ ...ready.base, error: t(ready.base.locale, 'cert.notFromProxy') }), 403);
    try {
      const valid = await this.login.validate(cert);
      const sub = await this.login.account(cert, valid.prints);
      return this.signedIn(ready.interaction, req, reply, sub);
    } catch (err) {
      return this.refused(err, reply, ready);
    }
  }

  @Post(':id/certificate/challenge')
  async challenge(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const ready = await this.ready(id, req, reply, form);
    if (!ready) return;
    const pasted = str(form.certificate);
    const cert = parseCertificate(pasted);
    if (!cert) return this.flow.html(reply, renderCertificateLogin({ ...ready.base, certificate: pasted, error: t(ready.base.locale, 'cert.invalid') }), 400);
    try {
      const valid = await this.login.validate(cert);
      await this.challenges.sweep();
      const created = await this.challenges.create(cert, valid.prints, { purpose: 'interaction', interactionId: id });
      return this.challengePage(ready.base, { id: created.id, jwe: created.encryptedKey, sha1: valid.prints.sha1 }, reply);
    } catch (err) {
      return this.refused(err, reply, ready, pasted);
    }
  }

  @Post(':id/certificate/verify')
  async verify(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Form;
    const ready = await this.ready(id, req, reply, form);
    if (!ready) return;
    const owner = { purpose: 'interaction' as const, interactionId: id };
    const live = await this.challenges.live(owner, str(form.challenge_id));
    if (!live) return this.flow.html(reply, renderCertificateLogin({ ...ready.base, error: t(ready.base.locale, 'cert.noChallenge') }), 400);
    try {
      const row = await this.challenges.consume(owner, decodeKey(str(form.decrypted_key)), live.sha1);
      const valid = await this.login.validate(parseCertificate(row.pem)!);
      const sub = await this.login.account(valid.cert, valid.prints);
      return this.signedIn(ready.interaction, req, reply, sub);
    } catch (err) {
      // A wrong key leaves the challenge live: the page shows it again.
      if (err instanceof CertificateRefused && err.refusal === 'wrong_key') {
        await this.interactions.recordError(ready.interaction, 'certificate_wrong_key');
        return this.challengePage(ready.base, { id: live.id, jwe: live.jwe, sha1: live.sha1 }, reply, t(ready.base.locale, 'cert.problem.wrong_key'), 400);
      }
      return this.refused(err, reply, ready);
    }
  }

  /** The interaction, in its login state, of a client that allows certificates; otherwise the answer is sent. */
  private async ready(id: string, req: FastifyRequest, reply: FastifyReply, form?: Form): Promise<{ interaction: InteractionEntity; base: PageBase } | null> {
    const interaction = await this.flow.load(id, req, reply, form);
    if (!interaction) return null;
    if (interaction.state !== 'login') {
      this.flow.redirect(reply, interaction);
      return null;
    }
    const base = await this.flow.pageBase(interaction, req);
    try {
      if (!base.client) throw new Error('client gone');
      this.login.assertClientMay(base.client);
    } catch {
      this.flow.html(reply, renderErrorPage(base.locale, t(base.locale, 'cert.notAllowed')), 403);
      return null;
    }
    return { interaction, base };
  }

  private async signedIn(interaction: InteractionEntity, req: FastifyRequest, reply: FastifyReply, sub: string) {
    // Second factor: when accounts gains 2FA, an account that has one goes to that step here instead.
    return this.flow.signedIn(interaction, req, reply, sub, CERTIFICATE_AMR);
  }

  private challengePage(base: PageBase, c: { id: string; jwe: string; sha1: string }, reply: FastifyReply, error?: string, status = 200) {
    const page = renderChallenge({
      locale: base.locale,
      title: t(base.locale, 'cert.title'),
      action: `/interaction/${base.interactionId}/certificate/verify`,
      csrf: base.csrf,
      challengeId: c.id,
      jwe: c.jwe,
      sha1: c.sha1,
      error,
      extra: cancelForm(base.locale, base.interactionId, base.csrf),
    });
    return this.flow.html(reply, page, status);
  }

  /** A refusal becomes the page with its message; anything else goes to the error filter. */
  private async refused(err: unknown, reply: FastifyReply, ready: { interaction: InteractionEntity; base: PageBase }, certificate?: string) {
    if (!(err instanceof CertificateRefused)) throw err;
    const { base } = ready;
    await this.interactions.recordError(ready.interaction, `certificate_${err.refusal}`);
    this.events.publish('user.login_failed', { client_id: ready.interaction.clientId, reason: `certificate_${err.refusal}` });
    return this.flow.html(reply, renderCertificateLogin({ ...base, certificate, error: t(base.locale, `cert.problem.${err.refusal}`) }), 400);
  }
}
