import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { effectiveResource } from '../../resource-indicator';
import { verifyPkce } from '../../pkce';
import { GrantsService } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { TokenSetService } from '../token-set.service';

/** RFC 6749 4.1.3 with PKCE (RFC 7636 4.6); a reused code revokes its whole grant (RFC 6749 4.1.2). */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';
  readonly parameters = ['code', 'redirect_uri', 'code_verifier', 'resource'] as const;
  readonly required = ['code', 'redirect_uri'] as const;

  constructor(
    private readonly grants: GrantsService,
    private readonly tokens: TokenSetService,
    private readonly issuer: TokenIssuerService,
  ) {}

  async handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    const code = await this.grants.findCode(params.code);
    if (!code || code.client_id !== client.clientId) throw new InvalidGrant('the authorization code is invalid');
    if (code.consumed_at) {
      await this.grants.revokeGrant(code.grant_id, 'authorization code reused');
      throw new InvalidGrant('the authorization code was already used; tokens issued from it are revoked');
    }
    if (new Date(code.expires_at).getTime() <= Date.now()) throw new InvalidGrant('the authorization code has expired');
    if (code.redirect_uri !== params.redirect_uri) throw new InvalidGrant('redirect_uri does not match the authorization request');
    if (code.code_challenge) {
      if (!verifyPkce(code.code_challenge, params.code_verifier)) throw new InvalidGrant('PKCE verification failed');
    } else if (params.code_verifier !== undefined) {
      throw new InvalidGrant('code_verifier given, but the authorization request had no code_challenge');
    }

    const bound = (await this.grants.findGrant(code.grant_id))?.resource;
    const target = await this.tokens.target(code.scopes, effectiveResource(bound, params.resource));

    const outcome = await this.grants.db.transaction(async (tx) => {
      if (!(await this.grants.consumeCode(tx, code.code_hash))) return 'reused' as const;
      const grant = await this.grants.findGrant(code.grant_id, tx);
      if (!grant || grant.revoked_at) return 'revoked' as const;
      const refresh = this.tokens.wantsRefreshToken(client, code.scopes)
        ? await this.grants.issueRefreshToken(tx, grant, code.scopes, this.issuer.refreshTokenTtl(client))
        : undefined;
      return { grant, refresh };
    });
    if (outcome === 'reused') {
      await this.grants.revokeGrant(code.grant_id, 'authorization code reused');
      throw new InvalidGrant('the authorization code was already used; tokens issued from it are revoked');
    }
    if (outcome === 'revoked') throw new InvalidGrant('the grant behind this code was revoked');

    return this.tokens.forUser(client, outcome.grant, target, { refreshToken: outcome.refresh, nonce: code.nonce, withIdToken: true });
  }
}
