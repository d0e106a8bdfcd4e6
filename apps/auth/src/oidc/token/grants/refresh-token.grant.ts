import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { InvalidGrant, InvalidScope } from '../../errors/oauth.errors';
import { effectiveResource } from '../../resource-indicator';
import { GrantRow, GrantsService, RefreshRow } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { TokenSetService, TokenTarget } from '../token-set.service';

const REUSED = 'the refresh token was already used; the grant is revoked';

/**
 * RFC 6749 6 with rotation: every use consumes the token and returns a new one; a consumed token
 * presented again revokes the whole grant (RFC 9700 4.14.2). Reading, checking, consuming and
 * storing the new token is one statement; when nothing was consumed, the rules are replayed on the
 * token as it was to name the one that failed.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';
  readonly parameters = ['refresh_token', 'scope', 'resource'] as const;
  readonly required = ['refresh_token'] as const;

  constructor(
    private readonly grants: GrantsService,
    private readonly tokens: TokenSetService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    const asked = params.scope === undefined ? null : params.scope.split(' ').filter(Boolean);
    const result = await this.grants.rotateRefreshToken({
      token: params.refresh_token,
      clientId: client.clientId,
      scopes: asked,
      ...(await this.tokens.askedResource(params.resource)),
      refreshTtl: this.issuer.refreshTokenTtl(client),
    });
    if (!result || result.token.client_id !== client.clientId) throw new InvalidGrant('the refresh token is invalid');
    // The statement has already revoked the grant.
    if (result.token.consumed_at) throw new InvalidGrant(REUSED);
    const { token, grant } = result;

    if (!result.consumedNow) {
      await this.check(token, grant, result.expired, asked, params);
      // Every rule holds, yet a concurrent request consumed the token first: a reuse.
      await this.grants.revokeGrant(token.grant_id, 'refresh token reused');
      throw new InvalidGrant(REUSED);
    }
    if (!grant || grant.revoked_at || !result.refreshToken) throw new InvalidGrant('the grant behind this refresh token was revoked');
    const scopes = asked ?? token.scopes;
    const target = await this.tokens.target(scopes, effectiveResource(grant.resource, params.resource));
    // The new refresh token keeps the grant's full scope (the statement stores it so), so a
    // narrowed request does not shrink later ones.
    return this.tokens.forUser(client, grant, target, { refreshToken: result.refreshToken, withIdToken: scopes.includes('openid') });
  }

  private async check(token: RefreshRow, grant: GrantRow | null, expired: boolean, asked: string[] | null, params: Record<string, string>): Promise<TokenTarget> {
    if (expired) throw new InvalidGrant('the refresh token has expired');
    if (asked) {
      const extra = asked.filter((s) => !token.scopes.includes(s));
      if (!asked.length || extra.length) throw new InvalidScope(`scope may only narrow the original grant${extra.length ? `; not granted: ${extra.join(' ')}` : ''}`);
    }
    return this.tokens.target(asked ?? token.scopes, effectiveResource(grant?.resource, params.resource));
  }
}
