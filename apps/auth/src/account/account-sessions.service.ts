import { EventPublisher } from '@idp/bus';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, MoreThan, Not, Repository } from 'typeorm';
import { SsoSessionEntity } from '@idp/domain';
import { BackchannelLogoutService } from '../logout/backchannel-logout.service';
import { GrantsService } from '../oidc/tokens/grants.service';

export interface SessionView {
  id: string;
  created_at: string;
  auth_time: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
  amr: string[];
  current: boolean;
}

/** A user's own SSO sessions, as the cabinet lists and ends them (each end also logs out its clients). */
@Injectable()
export class AccountSessionsService {
  constructor(
    @InjectRepository(SsoSessionEntity, 'auth') private readonly sessions: Repository<SsoSessionEntity>,
    private readonly backchannel: BackchannelLogoutService,
    private readonly grants: GrantsService,
    private readonly events: EventPublisher,
  ) {}

  async list(userId: string, currentId?: string): Promise<SessionView[]> {
    const live = await this.sessions.find({ where: { userId, endedAt: IsNull(), expiresAt: MoreThan(new Date()) }, order: { createdAt: 'DESC' } });
    return live.map((s) => ({
      id: s.id,
      created_at: s.createdAt.toISOString(),
      auth_time: s.authTime.toISOString(),
      expires_at: s.expiresAt.toISOString(),
      user_agent: s.userAgent,
      ip: s.ip,
      amr: s.amr,
      current: s.id === currentId,
    }));
  }

  /** Ends one of the user's sessions; false when it is not theirs or already over. */
  async endOne(userId: string, sessionId: string, reason: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) return false;
    return (await this.end(userId, { id: sessionId }, reason)) === 1;
  }

  /** Ends every session of the user but `keepId` (all of them when it is null); answers how many. */
  async endAllBut(userId: string, keepId: string | null, reason: string): Promise<number> {
    return this.end(userId, keepId ? { id: Not(keepId) } : {}, reason);
  }

  /**
   * The sessions go first, then what was issued inside them: grants tied to an ended session are
   * revoked, so its clients' tokens stop on every instance, and back-channel logout tells the clients.
   */
  private async end(userId: string, which: Record<string, unknown>, reason: string): Promise<number> {
    const rows = await this.sessions.find({ where: { userId, endedAt: IsNull(), ...which }, select: { id: true } });
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.id);
    const result = await this.sessions.update({ id: In(ids), endedAt: IsNull() }, { endedAt: new Date() });
    await this.grants.db.query(`UPDATE auth.grants SET revoked_at = now(), revoked_reason = $2 WHERE session_id = ANY($1::uuid[]) AND revoked_at IS NULL`, [ids, reason]);
    for (const id of ids) {
      this.events.publish('session.ended', { sid: id, sub: userId, reason });
      await this.backchannel.sessionEnded(id, userId);
    }
    return result.affected ?? ids.length;
  }
}
