import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { GrantsService, RefreshRow } from './grants.service';
import { RevocationsService } from './revocations.service';
import { TokenIssuerService } from './token-issuer.service';

/** A token presented at introspection or revocation, as we know it. */
export type FoundToken =
  | { kind: 'access_token'; claims: JWTPayload; active: boolean }
  | { kind: 'refresh_token'; row: RefreshRow; active: boolean }
  /** Signed by us but not an access token (an ID token): neither introspectable nor revocable. */
  | { kind: 'other' };

const JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Finds a token by its value. Access tokens are our JWTs and refresh tokens opaque strings, so the
 * value itself says where to look; token_type_hint (RFC 7009 2.1, RFC 7662 2.1) only orders a
 * search, and would never change the answer here.
 */
@Injectable()
export class TokenLookupService {
  constructor(
    private readonly issuer: TokenIssuerService,
    private readonly grants: GrantsService,
    private readonly revocations: RevocationsService,
  ) {}

  /** null for a token we never issued, or one that expired (an expired JWT no longer verifies). */
  async find(token: string): Promise<FoundToken | null> {
    if (JWS.test(token)) return this.findJwt(token);
    const row = await this.grants.findRefreshToken(token);
    if (!row) return null;
    const active = !row.consumed_at && new Date(row.expires_at).getTime() > Date.now() && (await this.grants.isGrantActive(row.grant_id));
    return { kind: 'refresh_token', row, active };
  }

  private async findJwt(token: string): Promise<FoundToken | null> {
    let verified;
    try {
      verified = await this.issuer.verifyOwnJwt(token);
    } catch {
      return null;
    }
    if (verified.typ !== 'at+jwt') return { kind: 'other' };
    return { kind: 'access_token', claims: verified.payload, active: await this.revocations.isAccessTokenActive(verified.payload) };
  }
}
