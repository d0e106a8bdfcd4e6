import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomToken, safeEqual, sha256 } from '../oidc/crypto';

/**
 * Registration access tokens (RFC 7592 1.2): one per self-registered client, returned once at
 * registration, kept as a hash, and gone with the client.
 */
@Injectable()
export class RegistrationTokensService {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  /** `allowedScope` is the initial access token's limit, kept so that later updates stay inside it. */
  async issue(clientId: string, initialAccessTokenId: string | null, allowedScope: string): Promise<string> {
    const token = randomToken();
    await this.db.query(
      `INSERT INTO auth.client_registrations (client_id, token_hash, initial_access_token_id, allowed_scope) VALUES ($1, $2, $3, $4)`,
      [clientId, sha256(token), initialAccessTokenId, allowedScope],
    );
    return token;
  }

  /**
   * The client's scope limit when the token is this client's; null for a token of another client
   * or of none alike.
   */
  async verify(clientId: string, token: string): Promise<{ allowedScope: string } | null> {
    const rows: Array<{ token_hash: string; allowed_scope: string }> = await this.db.query(`SELECT token_hash, allowed_scope FROM auth.client_registrations WHERE client_id = $1`, [clientId]);
    return rows.length === 1 && safeEqual(sha256(token), rows[0].token_hash) ? { allowedScope: rows[0].allowed_scope } : null;
  }
}
