import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A browser's single sign-on session. The cookie holds a random token; only its hash is stored. */
@Entity({ schema: 'auth', name: 'sso_sessions' })
export class SsoSessionEntity {
  /** The public session id (`sid` claim). */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ type: 'text', array: true })
  amr: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  /** The browser that signed in (shown in the cabinet's session list). */
  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  /** The language saved in the user's profile (ru, en, kk), kept here so pages need not ask the accounts app. */
  @Column({ type: 'text', nullable: true })
  locale: string | null;
}
