import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { AuditContext } from '@idp/contracts';
import { SsoSessionEntity } from '@idp/domain';
import { safeEqual } from '../oidc/crypto';
import { RevocationsService } from '../oidc/tokens/revocations.service';
import { TokenIssuerService } from '../oidc/tokens/token-issuer.service';
import { SessionsService } from '../sessions/sessions.service';
import { AccountApiError } from './account-errors';

/** Who is calling the cabinet: the browser's SSO session, or an access token with the needed scope. */
export type Caller =
  | { via: 'session'; sub: string; session: SsoSessionEntity; csrf: string }
  | { via: 'bearer'; sub: string; clientId: string; scopes: string[] };

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * The cabinet trusts two kinds of caller. A browser with the SSO session cookie: its CSRF token is
 * an HMAC of the session id under the instance key, so every auth instance derives the same one and
 * nothing needs storing; forms send it as `csrf`, scripts as the X-CSRF-Token header. Or a client
 * with an access token (Bearer) carrying the `account` scope (the photo endpoint: `picture` or `photo`),
 * checked like UserInfo checks tokens: signature, audience, revocation of the token and its grant.
 */
@Injectable()
export class AccountCallerService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly issuer: TokenIssuerService,
    private readonly revocations: RevocationsService,
  ) {}

  csrfFor(session: SsoSessionEntity): string {
    return createHmac('sha256', this.config.keyEncryptionKey).update(`account-csrf:${session.id}`).digest('base64url');
  }

  async session(req: FastifyRequest): Promise<Caller & { via: 'session' } | null> {
    const session = await this.sessions.current(req);
    return session ? { via: 'session', sub: session.userId, session, csrf: this.csrfFor(session) } : null;
  }

  /** A saved profile: the language goes onto the user's live sessions, which the pages read it from. */
  async profileSaved(account: { id: string; locale: string | null }): Promise<void> {
    await this.sessions.setLocale(account.id, account.locale);
  }

  csrfValid(caller: Caller & { via: 'session' }, submitted: unknown): boolean {
    return typeof submitted === 'string' && safeEqual(submitted, caller.csrf);
  }

  /**
   * The caller of a JSON API request. A session's unsafe request must carry the CSRF header; a
   * token must carry one of `scopes`. Errors are RFC 6750's for tokens, and 401/403 JSON otherwise.
   */
  async api(req: FastifyRequest, scopes: string[] = ['account']): Promise<Caller> {
    const header = req.headers.authorization;
    if (header) return this.bearer(header, scopes);
    const caller = await this.session(req);
    if (!caller) throw new AccountApiError(401, 'login_required', 'sign in (the SSO session cookie) or send an access token with the account scope');
    if (!SAFE_METHODS.includes(req.method) && !this.csrfValid(caller, req.headers[CSRF_HEADER])) {
      throw new AccountApiError(403, 'invalid_request', 'the X-CSRF-Token header is missing or wrong');
    }
    return caller;
  }

  private async bearer(header: string, scopes: string[]): Promise<Caller> {
    const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    const invalid = (description: string) => new AccountApiError(401, 'invalid_token', description);
    if (!m) throw invalid('the Authorization header must be "Bearer <token>"');
    let payload;
    try {
      payload = await this.issuer.verifyAccessToken(m[1]);
    } catch {
      throw invalid('the access token is invalid or expired');
    }
    const granted = String(payload.scope ?? '').split(' ');
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.includes(this.issuer.issuer) || typeof payload.gid !== 'string') throw invalid('the access token is not meant for this provider (ask for openid with the scope)');
    if (!scopes.some((s) => granted.includes(s))) {
      throw new AccountApiError(403, 'insufficient_scope', `the access token needs the ${scopes.join(' or ')} scope`);
    }
    const grant = await this.revocations.liveGrant(payload);
    if (!grant) throw invalid('the access token was revoked');
    return { via: 'bearer', sub: grant.user_id, clientId: String(payload.client_id ?? grant.client_id), scopes: granted };
  }

  /** What the audit trail keeps of a request. */
  context(req: FastifyRequest, caller?: Caller): AuditContext {
    return {
      ip: req.ip,
      user_agent: String(req.headers['user-agent'] ?? '').slice(0, 400) || undefined,
      client_id: caller?.via === 'bearer' ? caller.clientId : 'account',
    };
  }
}
