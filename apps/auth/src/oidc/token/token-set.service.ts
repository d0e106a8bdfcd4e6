import { Injectable } from '@nestjs/common';
import { Client } from '../clients/clients.service';
import { bindToResource } from '../resource-indicator';
import { ResourcesService } from '../resources.service';
import { GrantRow } from '../tokens/grants.service';
import { TokenIssuerService } from '../tokens/token-issuer.service';
import { TokenResponse } from './grant-handler';
import { ConsentUsageService } from '../../consent/consent-usage.service';
import { grantClaims } from '../tokens/grant-claims';

/** What an access token is for: its scopes and audiences. */
export interface TokenTarget {
  scopes: string[];
  audiences: string[];
}

/** Builds the token response for a user's grant: access token, optional ID token and refresh token. */
@Injectable()
export class TokenSetService {
  constructor(
    private readonly issuer: TokenIssuerService,
    private readonly resources: ResourcesService,
    private readonly usage: ConsentUsageService,
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

  /**
   * Without a resource, the token goes to every API of its scopes; with one (RFC 8707), to that
   * API alone, with its scopes and the OpenID Connect ones. Resolved before any code or token is
   * consumed, so an invalid_target costs the client nothing.
   */
  async target(scopes: string[], resource: string | null): Promise<TokenTarget> {
    if (!resource) return { scopes, audiences: await this.audiences(scopes, this.issuer.issuer) };
    const api = await this.resources.resolveIndicator(resource);
    return { scopes: bindToResource(scopes, api), audiences: [api.audience] };
  }

  /**
   * The API a token request names (RFC 8707), with its scopes, for the checks the redeeming
   * statement makes. An unknown one gets no scopes, so nothing is consumed and the caller's own
   * checks name the error in their usual order.
   */
  async askedResource(resource: string | undefined): Promise<{ resource: string | null; resourceScopes: string[] | null }> {
    if (resource === undefined) return { resource: null, resourceScopes: null };
    const api = await this.resources.resolveIndicator(resource).catch(() => null);
    return { resource, resourceScopes: api ? api.scopes : [] };
  }

  async forUser(
    client: Client,
    grant: GrantRow,
    target: TokenTarget,
    opts: { refreshToken?: string; nonce?: string | null; withIdToken: boolean },
  ): Promise<TokenResponse> {
    const { scopes } = target;
    const authTime = new Date(grant.auth_time);
    const sub = this.issuer.subject(client, grant.user_id);
    const at = await this.issuer.accessToken({ client, sub, scopes, audiences: target.audiences, grantId: grant.id, authTime });
    const response: TokenResponse = { access_token: at.token, token_type: 'Bearer', expires_in: at.expiresIn, scope: scopes.join(' ') };
    if (opts.refreshToken) response.refresh_token = opts.refreshToken;
    if (opts.withIdToken && scopes.includes('openid')) {
      response.id_token = await this.issuer.idToken({
        client,
        sub,
        nonce: opts.nonce,
        authTime,
        sessionId: grant.session_id,
        accessToken: at.token,
        amr: grant.amr,
        acr: grant.acr ?? undefined,
        extraClaims: grantClaims(grant, scopes),
      });
    }
    this.usage.touch(grant.user_id, client.clientId);
    return response;
  }
}
