import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountSubjects, AuditContext, ConsentSubjects, PHOTO_PART_BYTES } from '@idp/contracts';
import { randomUUID } from 'node:crypto';
import { ClientsService } from '../oidc/clients/clients.service';
import { GrantsService } from '../oidc/tokens/grants.service';
import { ACCOUNT_CLIENT_ID } from './account-client.service';
import { AccountSessionsService } from './account-sessions.service';
import { AuditTrailService } from './audit-trail.service';

export interface ConnectedApp {
  client_id: string;
  client_name: string;
  scopes: string[];
  granted_at: string | null;
}

/**
 * Cabinet actions that reach past the accounts service: sessions and grants live here in auth,
 * consents in the consent app. Pages and the JSON API both go through these.
 */
@Injectable()
export class AccountActionsService {
  constructor(
    private readonly bus: BusClient,
    private readonly sessions: AccountSessionsService,
    private readonly grants: GrantsService,
    private readonly clients: ClientsService,
    private readonly audit: AuditTrailService,
  ) {}

  async apps(sub: string): Promise<ConnectedApp[]> {
    const consents = await this.bus.value(ConsentSubjects.consentList, { userId: sub });
    const apps: ConnectedApp[] = [];
    for (const c of consents) {
      if (c.clientId === ACCOUNT_CLIENT_ID) continue;
      const client = await this.clients.find(c.clientId);
      apps.push({ client_id: c.clientId, client_name: client?.metadata.client_name ?? c.clientId, scopes: c.scopes, granted_at: c.grantedAt });
    }
    return apps;
  }

  /** As the admin route does it: the consent goes, then every grant of the user for that client. */
  async revokeApp(sub: string, clientId: string, context: AuditContext): Promise<boolean> {
    const reply = await this.bus.request(ConsentSubjects.consentRevoke, { userId: sub, clientId });
    if (!reply.ok) return false;
    await this.grants.revokeUserClientGrants(sub, clientId, 'consent revoked by the user');
    await this.audit.record('account.app_revoked', sub, context, { revoked_client_id: clientId });
    return true;
  }

  async endSession(sub: string, sessionId: string, context: AuditContext): Promise<boolean> {
    const ended = await this.sessions.endOne(sub, sessionId, 'ended by the user');
    if (ended) await this.audit.record('account.session_ended', sub, context, { sid: sessionId });
    return ended;
  }

  async endOtherSessions(sub: string, keepId: string | null, context: AuditContext): Promise<number> {
    const ended = await this.sessions.endAllBut(sub, keepId, 'ended by the user');
    await this.audit.record('account.sessions_ended', sub, context, { count: ended });
    return ended;
  }

  /** Ends every session (the one in use too) and revokes every grant: after a deletion or a reset. */
  async endEverything(sub: string, reason: string): Promise<{ sessions: number; grants: number }> {
    const sessions = await this.sessions.endAllBut(sub, null, reason);
    const grants = await this.grants.revokeUserGrants(sub, reason);
    return { sessions, grants };
  }

  /** Sends a photo to accounts in parts small enough for any bus message. */
  async uploadPhoto(sub: string, photo: Buffer, context: AuditContext) {
    const uploadId = randomUUID();
    const total = Math.max(1, Math.ceil(photo.length / PHOTO_PART_BYTES));
    let last;
    for (let index = 0; index < total; index++) {
      const data = photo.subarray(index * PHOTO_PART_BYTES, (index + 1) * PHOTO_PART_BYTES).toString('base64');
      last = await this.bus.request(AccountSubjects.photoPut, { sub, uploadId, index, total, data, context });
      if (!last.ok) return last;
    }
    return last!;
  }

  /** The photo, read back in parts; null when the user has none. */
  async photo(sub: string): Promise<{ contentType: string; data: Buffer; updatedAt: string } | null> {
    const chunks: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const part = await this.bus.request(AccountSubjects.photoGet, { sub, offset });
      if (!part.ok) return null;
      const data = Buffer.from(part.value.data, 'base64');
      chunks.push(data);
      offset += data.length;
      if (!data.length || offset >= part.value.size) return { contentType: part.value.content_type, data: Buffer.concat(chunks), updatedAt: part.value.updated_at };
    }
  }
}
