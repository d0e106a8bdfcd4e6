import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as QRCode from 'qrcode';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AccountsSubjects, SecondFactorStatus, SecondFactorSubjects } from '@idp/contracts';
import { Client } from '../oidc/clients/clients.service';

/** The "trust this browser" cookie: a random token whose hash accounts keeps, bound to one account. */
export const DEVICE_COOKIE = 'idp_device';

/** RFC 8176 amr after a second factor: the first factor's, the second's, and mfa. */
export function withSecondFactor(first: string[] | null, second: string): string[] {
  return [...new Set([...(first ?? []), second, 'mfa'])];
}

/**
 * Auth's side of the second factor: whether an account must pass one (it has a factor on, an
 * administrator requires it, or the client does), remembered browsers, and the enrolment QR code.
 */
@Injectable()
export class SecondFactorGate {
  constructor(
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get trustedDeviceDays(): number {
    return this.config.trustedDeviceDays;
  }

  async status(userId: string): Promise<SecondFactorStatus | null> {
    const reply = await this.bus.request(SecondFactorSubjects.status, { sub: userId });
    return reply.ok ? reply.value : null;
  }

  /** The account's status when a second factor (or its enrolment) is needed; null when it is not. */
  async needed(client: Client | null, userId: string): Promise<SecondFactorStatus | null> {
    const status = await this.status(userId);
    if (!status) return null;
    return status.enrolled || status.required || client?.metadata.require_2fa ? status : null;
  }

  /** This browser was trusted by this account, and nothing (revocation, a password change, time) has undone it. */
  async trustedBrowser(req: FastifyRequest, userId: string): Promise<boolean> {
    const token = req.cookies?.[DEVICE_COOKIE];
    if (!token) return false;
    return (await this.bus.value(SecondFactorSubjects.deviceCheck, { sub: userId, token })).valid;
  }

  async rememberBrowser(req: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
    const days = this.config.trustedDeviceDays;
    if (days <= 0) return;
    const device = await this.bus.value(SecondFactorSubjects.deviceRemember, { sub: userId, label: String(req.headers['user-agent'] ?? '').slice(0, 200), days });
    void reply.setCookie(DEVICE_COOKIE, device.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.issuer.startsWith('https://'),
      maxAge: Math.min(days, 365) * 86400,
    });
  }

  /** How the account is named in the authenticator app. */
  async label(userId: string): Promise<string> {
    const claims = await this.bus.request(AccountsSubjects.claimsGet, { sub: userId, scopes: ['profile', 'email', 'phone'] });
    const c = claims.ok ? claims.value : {};
    return String(c.preferred_username ?? c.email ?? c.phone_number ?? 'account');
  }

  /** The otpauth:// URI as an inline SVG image (the page CSP allows data: images). */
  async qrDataUrl(uri: string): Promise<string> {
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  }
}
