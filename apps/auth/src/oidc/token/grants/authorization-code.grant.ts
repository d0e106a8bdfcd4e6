import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/clients.service';
import { InvalidGrant } from '../../errors/oauth.errors';
import { effectiveResource } from '../../resource-indicator';
import { PKCE_VALUE, s256, verifyPkce } from '../../pkce';
import { CodeRow, GrantRow, GrantsService } from '../../tokens/grants.service';
import { TokenIssuerService } from '../../tokens/token-issuer.service';
import { GrantHandler, TokenResponse } from '../grant-handler';
import { TokenSetService, TokenTarget } from '../token-set.service';

const REUSED = 'the authorization code was already used; tokens issued from it are revoked';

/**
 * RFC 6749 4.1.3 with PKCE (RFC 7636 4.6); a reused code revokes its whole grant (RFC 6749 4.1.2).
 * The code is read, checked, consumed and the refresh token stored in one statement; when nothing
 * was consumed, the rules are replayed on the code as it was to name the one that failed.
 */
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
    const verifier = params.code_verifier;
    const result = await this.grants.redeemCode({
      code: params.code,
      clientId: client.clientId,
      redirectUri: params.redirect_uri,
      // A malformed verifier becomes a value no stored challenge equals.
      pkce: verifier === undefined ? null : PKCE_VALUE.test(verifier) ? s256(verifier) : '',
      ...(await this.tokens.askedResource(params.resource)),
      refreshAllowed: this.tokens.wantsRefreshToken(client, ['offline_access']),
      refreshTtl: this.issuer.refreshTokenTtl(client),
    });
    if (!result || result.code.client_id !== client.clientId) throw new InvalidGrant('the authorization code is invalid');
    // The statement has already revoked the grant.
    if (result.code.consumed_at) throw new InvalidGrant(REUSED);
    const { code, grant } = result;

    if (!result.consumedNow) {
      await this.check(code, grant, result.expired, params);
      // Every rule holds, yet someone else consumed the code in between: a reuse.
      await this.grants.revokeGrant(code.grant_id, 'authorization code reused');
      throw new InvalidGrant(REUSED);
    }
    if (!grant || grant.revoked_at) throw new InvalidGrant('the grant behind this code was revoked');
    const target = await this.tokens.target(code.scopes, effectiveResource(grant.resource, params.resource));
    return this.tokens.forUser(client, grant, target, { refreshToken: result.refreshToken, nonce: code.nonce, withIdToken: true });
  }

  /** The rules in the order RFC 6749 lists them; throws the first that fails. */
  private async check(code: CodeRow, grant: GrantRow | null, expired: boolean, params: Record<string, string>): Promise<TokenTarget> {
    if (expired) throw new InvalidGrant('the authorization code has expired');
    if (code.redirect_uri !== params.redirect_uri) throw new InvalidGrant('redirect_uri does not match the authorization request');
    if (code.code_challenge) {
      if (!verifyPkce(code.code_challenge, params.code_verifier)) throw new InvalidGrant('PKCE verification failed');
    } else if (params.code_verifier !== undefined) {
      throw new InvalidGrant('code_verifier given, but the authorization request had no code_challenge');
    }
    return this.tokens.target(code.scopes, effectiveResource(grant?.resource, params.resource));
  }
}
