import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientsService } from './clients/clients.service';
import { InvalidRequest, InvalidToken } from './errors/oauth.errors';
import { SigningKeysService } from './keys/signing-keys.service';
import { RevocationsService } from './tokens/revocations.service';
import { TokenIssuerService } from './tokens/token-issuer.service';
import { grantClaims } from './tokens/grant-claims';
import { UserClaimsCache } from './user-claims.cache';

/** OpenID Connect Core 5.3: claims of the access token's scopes, from accounts (through a short-lived copy). */
@Controller()
export class UserinfoController {
  constructor(
    private readonly issuer: TokenIssuerService,
    private readonly revocations: RevocationsService,
    private readonly userClaims: UserClaimsCache,
    private readonly clients: ClientsService,
    private readonly keys: SigningKeysService,
  ) {}

  @Get('connect/userinfo')
  get(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.userinfo(req, reply);
  }

  @Post('connect/userinfo')
  @HttpCode(200)
  post(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.userinfo(req, reply);
  }

  private async userinfo(req: FastifyRequest, reply: FastifyReply) {
    const token = this.bearer(req);
    let payload;
    try {
      payload = await this.issuer.verifyAccessToken(token);
    } catch {
      throw new InvalidToken('the access token is invalid or expired');
    }
    const scopes = String(payload.scope ?? '').split(' ');
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!scopes.includes('openid') || !aud.includes(this.issuer.issuer) || typeof payload.gid !== 'string') {
      throw new InvalidToken('the access token does not allow UserInfo (no openid scope)');
    }
    const grant = await this.revocations.liveGrant(payload);
    if (!grant) throw new InvalidToken('the access token was revoked');
    const claims = await this.userClaims.claims(grant.user_id, scopes);
    if (!claims) throw new InvalidToken('the user of this access token no longer exists');
    const body = { ...claims, ...grantClaims(grant, scopes), sub: payload.sub };
    void reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const client = await this.clients.find(payload.client_id);
    if (client?.metadata.userinfo_signed_response_alg) {
      // OpenID Connect Core 5.3.2: a signed answer carries iss and aud.
      const ring = await this.keys.keyRing();
      void reply.header('Content-Type', 'application/jwt');
      return ring.sign({ ...body, iss: this.issuer.issuer, aud: client.clientId });
    }
    return body;
  }

  /** RFC 6750: the Authorization header, or access_token in a form body; never both. */
  private bearer(req: FastifyRequest): string {
    const header = req.headers.authorization;
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>).access_token : undefined;
    if (header && body !== undefined) throw new InvalidRequest('the access token was sent more than one way');
    if (header) {
      const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
      if (!m) throw new InvalidToken('the Authorization header must be "Bearer <token>"');
      return m[1];
    }
    if (typeof body === 'string' && body) return body;
    const err = new InvalidToken('no access token');
    err.headers['WWW-Authenticate'] = 'Bearer realm="userinfo"';
    throw err;
  }
}
