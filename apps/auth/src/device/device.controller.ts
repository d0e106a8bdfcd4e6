import { Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as QRCode from 'qrcode';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AuthorizationRequest } from '@idp/domain';
import { InteractionsService } from '../interaction/interactions.service';
import { Locale, pickLocale, t } from '../interaction/i18n';
import { randomToken, safeEqual } from '../oidc/crypto';
import { RateLimiterService } from '../rate-limit/rate-limiter.service';
import { SessionsService } from '../sessions/sessions.service';
import { DeviceCodesService } from './device-codes.service';
import { renderDeviceEntry, renderDeviceOutcome } from './device.views';
import { normaliseUserCode } from './user-code';

const BROWSER_COOKIE = 'idp_device';
/** Wrong user-code entries: 5 a minute per browser and per IP (shared by all auth instances). */
const WRONG_CODE_LIMIT = { max: 5, windowSeconds: 60 };

/** The device verification page: the user enters (or follows a link with) the code their device shows. */
@Controller('device')
export class DeviceController {
  constructor(
    private readonly devices: DeviceCodesService,
    private readonly sessions: SessionsService,
    private readonly interactions: InteractionsService,
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const browser = this.browserId(req, reply);
    const typed = query['user-code'] ?? query.user_code;
    if (typeof typed === 'string' && typed) return this.enter(typed, browser, req, reply);
    return this.html(reply, renderDeviceEntry(await this.locale(req), browser));
  }

  @Post()
  async submit(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const browser = this.browserId(req, reply);
    if (typeof form.csrf !== 'string' || !safeEqual(form.csrf, browser)) {
      const l = await this.locale(req);
      return this.html(reply, renderDeviceEntry(l, browser, { error: t(l, 'error.csrf') }), 403);
    }
    return this.enter(form.user_code, browser, req, reply);
  }

  /** An SVG QR code of verification_uri_complete, for devices without a QR library. */
  @Get('qr')
  async qr(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const code = normaliseUserCode(query['user-code'] ?? query.user_code);
    if (!code) return reply.status(400).send({ error: 'invalid_request', error_description: 'user-code must be 8 letters of the user-code alphabet' });
    const svg = await QRCode.toString(`${this.config.issuer}/device?user-code=${code}`, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    void reply.headers({ 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=300', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" }).send(svg);
  }

  private async enter(typed: unknown, browser: string, req: FastifyRequest, reply: FastifyReply) {
    const l = await this.locale(req);
    const keys = [`device:browser:${browser}`, `device:ip:${req.ip}`];
    const wait = await this.limiter.blocked(keys, WRONG_CODE_LIMIT);
    if (wait !== null) {
      void reply.header('Retry-After', String(wait));
      return this.html(reply, renderDeviceEntry(l, browser, { error: t(l, 'device.tooMany', { seconds: String(wait) }) }), 429);
    }
    const code = normaliseUserCode(typed);
    const row = code ? await this.devices.findByUserCode(code) : null;
    if (!row) {
      await this.limiter.hit(keys, WRONG_CODE_LIMIT);
      return this.html(reply, renderDeviceEntry(l, browser, { value: String(typed ?? ''), error: t(l, 'device.unknown') }), 400);
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) return this.html(reply, renderDeviceOutcome(l, 'device.expiredTitle', 'device.expired'), 410);
    if (row.status !== 'pending') return this.html(reply, renderDeviceEntry(l, browser, { error: t(l, 'device.used') }), 400);

    const request: AuthorizationRequest = {
      client_id: row.client_id,
      redirect_uri: '',
      response_type: 'device_code',
      response_mode: '',
      scopes: row.scopes,
      prompt: ['consent'],
      ui_locales: l,
      device_user_code: row.user_code,
    };
    const session = await this.sessions.current(req);
    const interaction = session
      ? await this.interactions.start(reply, request, 'consent', { userId: session.userId, sessionId: session.id, authTime: session.authTime, amr: session.amr, locale: session.locale })
      : await this.interactions.start(reply, request, 'login');
    void reply.redirect(`/interaction/${interaction.id}`, 303);
  }

  /** A random id per browser: keys the wrong-code limit and doubles as the entry form's CSRF token. */
  private browserId(req: FastifyRequest, reply: FastifyReply): string {
    const existing = req.cookies?.[BROWSER_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{20,64}$/.test(existing)) return existing;
    const id = randomToken('base64url', 18);
    void reply.setCookie(BROWSER_COOKIE, id, { path: '/device', httpOnly: true, sameSite: 'lax', secure: this.config.issuer.startsWith('https://'), maxAge: 86400 });
    return id;
  }

  /** The signed-in user's saved language, else Accept-Language. */
  private async locale(req: FastifyRequest): Promise<Locale> {
    const session = await this.sessions.current(req);
    return pickLocale(undefined, req.headers['accept-language'], session?.locale);
  }

  private html(reply: FastifyReply, body: string, status = 200) {
    void reply
      .status(status)
      .headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'" })
      .send(body);
  }
}
