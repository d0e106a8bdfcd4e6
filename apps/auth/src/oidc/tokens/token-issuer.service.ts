import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { leftHalfHash } from '@idp/jwk';
import { Client } from '../clients/clients.service';
import { SigningKeysService } from '../keys/signing-keys.service';
import { subjectFor } from '../subjects';
import { FederatedSessions } from '../../organizations/federated-sessions';
import { ResourcesService } from '../resources.service';

export interface AccessTokenInput {
  client: Client;
  /** The user, or the client itself for client_credentials. */
  sub: string;
  scopes: string[];
  audiences: string[];
  grantId?: string;
  authTime?: Date;
}

export interface IdTokenInput {
  client: Client;
  sub: string;
  nonce?: string | null;
  authTime: Date;
  sessionId?: string | null;
  accessToken?: string;
  code?: string;
  extraClaims?: Record<string, unknown>;
  amr?: string[];
  acr?: string;
}

const now = () => Math.floor(Date.now() / 1000);

/** Mints JWTs: access tokens per RFC 9068 (RS256, or what their API asks for) and RS256 ID tokens per OpenID Connect Core 2. */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly federated: FederatedSessions,
    private readonly resources: ResourcesService,
  ) {}

  get issuer(): string {
    return this.config.issuer;
  }

  /** The user's `sub` as this client sees it (public or pairwise). */
  subject(client: Client, userId: string): string {
    return subjectFor(client, userId, this.config.pairwiseSalt);
  }

  accessTokenTtl(client: Client): number {
    return client.metadata.access_token_ttl ?? this.config.ttl.accessToken;
  }

  refreshTokenTtl(client: Client): number {
    return client.metadata.refresh_token_ttl ?? this.config.ttl.refreshToken;
  }

  async accessToken(input: AccessTokenInput): Promise<{ token: string; expiresIn: number; jti: string }> {
    const iat = now();
    const expiresIn = this.accessTokenTtl(input.client);
    const jti = randomUUID();
    const aud = input.audiences.length ? input.audiences : [input.client.clientId];
    const payload: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: input.sub,
      aud: aud.length === 1 ? aud[0] : aud,
      client_id: input.client.clientId,
      scope: input.scopes.join(' '),
      jti,
      iat,
      exp: iat + expiresIn,
    };
    if (input.authTime) payload.auth_time = Math.floor(input.authTime.getTime() / 1000);
    if (input.grantId) payload.gid = input.grantId;
    // RS256 unless the API the token is for asks for another algorithm.
    const alg = await this.resources.signingAlgFor(input.audiences);
    const ring = await this.keys.keyRingFor(alg);
    return { token: await ring.sign(payload, 'at+jwt', alg), expiresIn, jti };
  }

  async idToken(input: IdTokenInput): Promise<string> {
    const iat = now();
    const payload: Record<string, unknown> = {
      ...(input.extraClaims ?? {}),
      iss: this.config.issuer,
      sub: input.sub,
      aud: input.client.clientId,
      iat,
      exp: iat + (input.client.metadata.id_token_ttl ?? this.config.ttl.idToken),
      auth_time: Math.floor(input.authTime.getTime() / 1000),
    };
    if (input.nonce) payload.nonce = input.nonce;
    if (input.sessionId) payload.sid = input.sessionId;
    if (input.accessToken) payload.at_hash = leftHalfHash(input.accessToken);
    if (input.code) payload.c_hash = leftHalfHash(input.code);
    if (input.amr?.length) payload.amr = input.amr;
    if (input.acr) payload.acr = input.acr;
    // Which upstream identity provider signed the user in to this session.
    if (input.amr?.includes('fed') && input.sessionId) {
      const idp = await this.federated.idpOf(input.sessionId);
      if (idp) payload.idp = idp;
    }
    const ring = await this.keys.keyRing();
    return ring.sign(payload);
  }

  /** Verifies one of our access tokens: signature, issuer, type and expiry. */
  async verifyAccessToken(token: string) {
    return (await this.verify(token, 'at+jwt')).payload;
  }

  /**
   * Verifies any JWT we signed (signature, issuer, expiry) and tells its `typ`, so revocation can
   * tell an access token from an ID token.
   */
  async verifyOwnJwt(token: string): Promise<{ payload: JWTPayload; typ?: string }> {
    const { payload, protectedHeader } = await this.verify(token);
    return { payload, typ: protectedHeader.typ };
  }

  private async verify(token: string, typ?: string) {
    const options = { issuer: this.config.issuer, ...(typ ? { typ } : {}) };
    let ring = await this.keys.keyRing();
    try {
      return await ring.verify(token, options);
    } catch (err) {
      if ((err as Error).message !== 'unknown kid') throw err;
      ring = await this.keys.reloadForUnknownKid();
      return ring.verify(token, options);
    }
  }
}
