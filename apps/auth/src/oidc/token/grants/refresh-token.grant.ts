import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { InvalidGrant, InvalidScope } from '../../errors/oauth.errors';
import { effectiveResource } from '../../resource-indicator';
import { GrantsService } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { TokenSetService } from '../token-set.service';

/**
 * RFC 6749 6 with rotation: every use consumes the token and returns a new one; a consumed token
 * presented again revokes the whole grant (RFC 9700 4.14.2).
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
    const row = await this.grants.findRefreshToken(params.refresh_token);
    if (!row || row.client_id !== client.clientId) throw new InvalidGrant('the refresh token is invalid');
    if (row.consumed_at) {
      await this.grants.revokeGrant(row.grant_id, 'refresh token reused');
      throw new InvalidGrant('the refresh token was already used; the grant is revoked');
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) throw new InvalidGrant('the refresh token has expired');

    let scopes = row.scopes;
    if (params.scope !== undefined) {
      const asked = params.scope.split(' ').filter(Boolean);
      const extra = asked.filter((s) => !row.scopes.includes(s));
      if (!asked.length || extra.length) throw new InvalidScope(`scope may only narrow the original grant${extra.length ? `; not granted: ${extra.join(' ')}` : ''}`);
      scopes = asked;
    }

    const bound = (await this.grants.findGrant(row.grant_id))?.resource;
    const target = await this.tokens.target(scopes, effectiveResource(bound, params.resource));

    const outcome = await this.grants.db.transaction(async (tx) => {
      if (!(await this.grants.consumeRefreshToken(tx, row.token_hash))) return 'reused' as const;
      const grant = await this.grants.findGrant(row.grant_id, tx);
      if (!grant || grant.revoked_at) return 'revoked' as const;
      // The new refresh token keeps the grant's full scope, so a narrowed request does not shrink later ones.
      const refresh = await this.grants.issueRefreshToken(tx, grant, row.scopes, this.issuer.refreshTokenTtl(client));
      return { grant, refresh };
    });
    if (outcome === 'reused') {
      await this.grants.revokeGrant(row.grant_id, 'refresh token reused');
      throw new InvalidGrant('the refresh token was already used; the grant is revoked');
    }
    if (outcome === 'revoked') throw new InvalidGrant('the grant behind this refresh token was revoked');

    return this.tokens.forUser(client, outcome.grant, target, { refreshToken: outcome.refresh, withIdToken: scopes.includes('openid') });
  }
}
