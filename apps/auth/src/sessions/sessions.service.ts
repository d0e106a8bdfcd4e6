import { EventPublisher } from '@idp/bus';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { SsoSessionEntity } from '@idp/domain';
import { randomToken, sha256 } from '../oidc/crypto';
import { rememberSavedLocale } from './request-locale';

export const SESSION_COOKIE = 'idp_session';
export { savedLocaleOf } from './request-locale';

/** Browser single sign-on sessions: an HttpOnly, SameSite=Lax cookie holding a random token. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(SsoSessionEntity, 'auth') private readonly sessions: Repository<SsoSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventPublisher,
  ) {}

  private get secure(): boolean {
    return this.config.issuer.startsWith('https://');
  }

  async current(req: FastifyRequest): Promise<SsoSessionEntity | null> {
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token || token.length > 100) return null;
    const session = await this.sessions.findOne({ where: { tokenHash: sha256(token), endedAt: IsNull(), expiresAt: MoreThan(new Date()) } });
    rememberSavedLocale(req, session?.locale ?? null);
    return session;
  }

  /** How the user authenticated in a session (kept after the session ends: refreshed ID tokens still say it). */
  async amr(sessionId: string): Promise<string[] | null> {
    const session = await this.sessions.findOne({ where: { id: sessionId }, select: { id: true, amr: true } });
    return session?.amr ?? null;
  }

  async start(reply: FastifyReply, userId: string, amr: string[], locale: string | null = null): Promise<SsoSessionEntity> {
    const token = randomToken();
    const now = new Date();
    const session = this.sessions.create({
      id: randomUUID(),
      tokenHash: sha256(token),
      userId,
      authTime: now,
      amr,
      expiresAt: new Date(now.getTime() + this.config.ttl.session * 1000),
      userAgent: String(reply.request?.headers['user-agent'] ?? '').slice(0, 400) || null,
      ip: reply.request?.ip ?? null,
      locale,
    });
    await this.sessions.insert(session);
    void reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      maxAge: this.config.ttl.session,
    });
    return session;
  }

  /** The user saved another language in the cabinet: every live session of theirs follows it. */
  async setLocale(userId: string, locale: string | null): Promise<void> {
    await this.sessions.update({ userId, endedAt: IsNull() }, { locale });
  }

  /** Ends every live session of a user; answers the sessions that ended. */
  async endAllFor(userId: string): Promise<SsoSessionEntity[]> {
    const live = await this.sessions.find({ where: { userId, endedAt: IsNull() } });
    if (live.length) await this.sessions.update({ userId, endedAt: IsNull() }, { endedAt: new Date() });
    for (const s of live) this.events.publish('session.ended', { sid: s.id, sub: userId, reason: 'ended by an administrator' });
    return live;
  }

  /** Ends the browser's session (if any) and clears its cookie; answers the session that ended. */
  async end(req: FastifyRequest, reply: FastifyReply): Promise<SsoSessionEntity | null> {
    const session = await this.current(req);
    if (session) {
      await this.sessions.update({ id: session.id }, { endedAt: new Date() });
      this.events.publish('session.ended', { sid: session.id, sub: session.userId, reason: 'logout' });
    }
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return session;
  }
}
