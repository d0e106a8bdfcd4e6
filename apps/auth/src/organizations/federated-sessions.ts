import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Which upstream a session came through: the ID token's `idp`, and where logout continues. */
@Injectable()
export class FederatedSessions {
  constructor(@InjectDataSource('auth') private readonly db: DataSource) {}

  async idpOf(sessionId: string): Promise<string | null> {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) return null;
    const [row] = await this.db.query(`SELECT idp FROM auth.federated_sessions WHERE session_id = $1`, [sessionId]);
    return row?.idp ?? null;
  }

  /** The upstream's end_session_endpoint (with our client_id) when it advertises one. */
  async upstreamLogout(sessionId: string): Promise<string | null> {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) return null;
    const [row] = await this.db.query(
      `SELECT p.end_session_endpoint, p.client_id FROM auth.federated_sessions f JOIN auth.upstream_providers p ON p.id = f.provider_id WHERE f.session_id = $1`,
      [sessionId],
    );
    if (!row?.end_session_endpoint) return null;
    const url = new URL(row.end_session_endpoint);
    url.searchParams.set('client_id', row.client_id);
    return url.toString();
  }
}
