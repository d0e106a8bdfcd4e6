import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Which upstream a session came through: the ID token's `idp`, and where logout continues. Recorded
 * per interaction when the upstream's answer is accepted, and found through the session the
 * interaction then started (directly, or after a second factor).
 */
@Injectable()
export class FederatedSessions {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  async record(interactionId: string, providerId: string, idp: string): Promise<void> {
    await this.db.query(
      `INSERT INTO auth.federated_interactions (interaction_id, provider_id, idp) VALUES ($1, $2, $3)
       ON CONFLICT (interaction_id) DO UPDATE SET provider_id = EXCLUDED.provider_id, idp = EXCLUDED.idp`,
      [interactionId, providerId, idp],
    );
  }

  async idpOf(sessionId: string): Promise<string | null> {
    return (await this.find(sessionId))?.idp ?? null;
  }

  /** The upstream's end_session_endpoint (with our client_id) when it advertises one. */
  async upstreamLogout(sessionId: string): Promise<string | null> {
    const found = await this.find(sessionId);
    if (!found?.end_session_endpoint) return null;
    const url = new URL(found.end_session_endpoint);
    url.searchParams.set('client_id', found.client_id);
    return url.toString();
  }

  private async find(sessionId: string): Promise<{ idp: string; end_session_endpoint: string | null; client_id: string } | null> {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) return null;
    const [row] = await this.db.query(
      `SELECT f.idp, p.end_session_endpoint, p.client_id FROM auth.interactions i
       JOIN auth.federated_interactions f ON f.interaction_id = i.id
       LEFT JOIN auth.upstream_providers p ON p.id = f.provider_id
       WHERE i.session_id = $1 LIMIT 1`,
      [sessionId],
    );
    return row ?? null;
  }
}
