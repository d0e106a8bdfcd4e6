import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { AuthorizationRequest } from '@idp/domain';
import { Client } from '../clients/clients.service';
import { TokenSetService } from '../token/token-set.service';
import { GrantRow, GrantsService } from '../tokens/grants.service';
import { TokenIssuerService } from '../tokens/token-issuer.service';
import type { AuthenticatedUser } from './authorization.service';
import { grantClaims } from '../tokens/grant-claims';
import { ConsentUsageService } from '../../consent/consent-usage.service';

/**
 * What the authorization endpoint hands back for each response type (OAuth 2.0 Multiple Response
 * Types; OpenID Connect Core 3.2/3.3): a code, an access token, an ID token, or nothing (`none`).
 */
@Injectable()
export class AuthorizationResponseService {
  constructor(
    private readonly grants: GrantsService,
    private readonly issuer: TokenIssuerService,
    private readonly tokens: TokenSetService,
    private readonly bus: BusClient,
    private readonly usage: ConsentUsageService,
  ) {}

  async issue(client: Client, request: AuthorizationRequest, user: AuthenticatedUser): Promise<Record<string, string>> {
    const parts = request.response_type.split(' ');
    if (parts.includes('none')) return {};
    const out: Record<string, string> = {};
    const newGrant = {
      clientId: client.clientId,
      userId: user.userId,
      scopes: request.scopes,
      sessionId: user.sessionId,
      authTime: user.authTime,
      amr: user.amr,
      acr: request.acr_values?.split(' ')[0] ?? null,
      resource: request.resource ?? null,
      bin: request.bin ?? null,
    };

    let grant: GrantRow;
    if (parts.includes('code')) {
      const created = await this.grants.createGrantWithCode(newGrant, { redirectUri: request.redirect_uri, nonce: request.nonce, codeChallenge: request.code_challenge });
      out.code = created.code;
      grant = created.grant;
    } else {
      grant = await this.grants.createGrant(this.grants.db.manager, newGrant);
    }
    const sub = this.issuer.subject(client, user.userId);

    if (parts.includes('token')) {
      const at = await this.issuer.accessToken({
        client,
        sub,
        scopes: request.scopes,
        audiences: (await this.tokens.target(request.scopes, request.resource ?? null)).audiences,
        grantId: grant.id,
        authTime: user.authTime,
      });
      Object.assign(out, { access_token: at.token, token_type: 'Bearer', expires_in: String(at.expiresIn) });
      this.usage.touch(user.userId, client.clientId);
    }

    if (parts.includes('id_token')) {
      // Without an access token the client cannot ask UserInfo, so the claims travel in the ID token (Core 5.4).
      let extraClaims: Record<string, unknown> = grantClaims(newGrant, request.scopes);
      if (!out.access_token) {
        const { sub: _local, ...claims } = await this.bus.value(AccountsSubjects.claimsGet, { sub: user.userId, scopes: request.scopes });
        extraClaims = { ...claims, ...extraClaims };
      }
      out.id_token = await this.issuer.idToken({
        client,
        sub,
        nonce: request.nonce,
        authTime: user.authTime,
        sessionId: user.sessionId,
        accessToken: out.access_token,
        code: out.code,
        amr: user.amr,
        acr: newGrant.acr ?? undefined,
        extraClaims,
      });
    }
    out.scope = request.scopes.join(' ');
    return out;
  }
}
