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

  async issue(clientId: string, initialAccessTokenId: string | null): Promise<string> {
    const token = randomToken();
    await this.db.query(
      `INSERT INTO auth.client_registrations (client_id, token_hash, initial_access_token_id) VALUES ($1, $2, $3)`,
      [clientId, sha256(token), initialAccessTokenId],
    );
    return token;
  }

  /** Whether the token is this client's; a token of another client or of none says the same. */
  async verify(clientId: string, token: string): Promise<boolean> {
    const rows: Array<{ token_hash: string }> = await this.db.query(`SELECT token_hash FROM auth.client_registrations WHERE client_id = $1`, [clientId]);
    return rows.length === 1 && safeEqual(sha256(token), rows[0].token_hash);
  }
}
