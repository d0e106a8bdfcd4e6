import { Injectable } from '@nestjs/common';
import { SessionsService } from '../../sessions/sessions.service';
import { Client } from '../clients/clients.service';
import { ResourcesService } from '../resources.service';
import { GrantRow } from '../tokens/grants.service';
import { TokenIssuerService } from '../tokens/token-issuer.service';
import { TokenResponse } from './grant-handler';

/** Builds the token response for a user's grant: access token, optional ID token and refresh token. */
@Injectable()
export class TokenSetService {
  constructor(
    private readonly issuer: TokenIssuerService,
    private readonly resources: ResourcesService,
    private readonly sessions: SessionsService,
  ) {}

  /** A refresh token only when offline_access was granted and the client may use the refresh grant. */
  wantsRefreshToken(client: Client, scopes: string[]): boolean {
    return scopes.includes('offline_access') && client.metadata.grant_types.includes('refresh_token');
  }

  /** Audiences of a user's access token: the APIs of its scopes, and us (UserInfo) when openid is in. */
  async audiences(scopes: string[], issuer: string): Promise<string[]> {
    const apis = (await this.resources.forScopes(scopes)).map((r) => r.audience);
    return scopes.includes('openid') ? [issuer, ...apis] : apis;
  }

  async forUser(
    client: Client,
    grant: GrantRow,
    scopes: string[],
    opts: { refreshToken?: string; nonce?: string | null; withIdToken: boolean },
  ): Promise<TokenResponse> {
    const authTime = new Date(grant.auth_time);
    const at = await this.issuer.accessToken({
      client,
      sub: grant.user_id,
      scopes,
      audiences: await this.audiences(scopes, this.issuer.issuer),
      grantId: grant.id,
      authTime,
    });
    const response: TokenResponse = { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, scope: scopes.join(' ') };
    if (opts.refreshToken) response.refresh_token = opts.refreshToken;
    if (opts.withIdToken && scopes.includes('openid')) {
      response.id_token = await this.issuer.idToken({
        client,
        sub: grant.user_id,
        nonce: opts.nonce,
        authTime,
        sessionId: grant.session_id,
        accessToken: at.token,
        extraClaims: await this.authenticationMethods(grant.session_id),
      });
    }
    return response;
  }

  /** amr (OpenID Connect Core 2, RFC 8176): how the user signed in to the session behind the grant. */
  private async authenticationMethods(sessionId: string | null): Promise<Record<string, unknown>> {
    const amr = sessionId ? await this.sessions.amr(sessionId) : null;
    return amr?.length ? { amr } : {};
  }
}
