import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BusClient } from '@idp/bus';
import { AccountsSubjects, FederatedSignInRequest, OtpChannel } from '@idp/contracts';

export interface PendingLink {
  providerId: string;
  profile: FederatedSignInRequest & Record<string, unknown>;
  holder: string | null;
  challenge: { id: string; channel: OtpChannel; destination: string } | null;
}

/** Where the existing account can get a one-time code: its verified e-mail and phone (the phone shown masked). */
export interface CodeOption {
  channel: OtpChannel;
  label: string;
}

/** Keeps the last digits of a phone, so its owner recognises it and no one else learns it. */
export const maskPhone = (phone: string) => (phone.length > 4 ? `${phone.slice(0, 2)}${'•'.repeat(Math.max(phone.length - 6, 3))}${phone.slice(-4)}` : '•••');

/**
 * A sign-in through a company provider that matched an existing account by e-mail waits here until
 * the account's owner proves control of it: by its password, or by a one-time code to its verified
 * e-mail or phone (so accounts without a password can link too).
 */
@Injectable()
export class LinkProof {
  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    private readonly bus: BusClient,
  ) {}

  async pending(interactionId: string): Promise<PendingLink | null> {
    const [row] = await this.db.query(
      `SELECT provider_id, profile, holder_sub, challenge_id, challenge_channel, challenge_destination FROM auth.federated_pending_links
       WHERE interaction_id = $1 AND created_at > now() - interval '15 minutes'`,
      [interactionId],
    );
    if (!row) return null;
    return {
      providerId: row.provider_id,
      profile: typeof row.profile === 'string' ? JSON.parse(row.profile) : row.profile,
      holder: row.holder_sub ?? null,
      challenge: row.challenge_id ? { id: row.challenge_id, channel: row.challenge_channel, destination: row.challenge_destination } : null,
    };
  }

  /** The verified identifiers of the account that has the address, where a code may go. */
  async destinations(holder: string | null): Promise<Array<CodeOption & { destination: string }>> {
    if (!holder) return [];
    const claims = await this.bus.request(AccountsSubjects.claimsGet, { sub: holder, scopes: ['email', 'phone'] });
    if (!claims.ok) return [];
    const c = claims.value;
    const out: Array<CodeOption & { destination: string }> = [];
    if (typeof c.email === 'string' && c.email_verified === true) out.push({ channel: 'email', label: c.email, destination: c.email });
    if (typeof c.phone_number === 'string' && c.phone_number_verified === true) out.push({ channel: 'sms', label: maskPhone(c.phone_number), destination: c.phone_number });
    return out;
  }

  async options(holder: string | null): Promise<CodeOption[]> {
    return (await this.destinations(holder)).map(({ channel, label }) => ({ channel, label }));
  }

  async rememberChallenge(interactionId: string, challenge: { id: string; channel: OtpChannel; destination: string }): Promise<void> {
    await this.db.query(
      `UPDATE auth.federated_pending_links SET challenge_id = $2, challenge_channel = $3, challenge_destination = $4 WHERE interaction_id = $1`,
      [interactionId, challenge.id, challenge.channel, challenge.destination],
    );
  }

  async done(interactionId: string): Promise<void> {
    await this.db.query(`DELETE FROM auth.federated_pending_links WHERE interaction_id = $1`, [interactionId]);
  }
}
