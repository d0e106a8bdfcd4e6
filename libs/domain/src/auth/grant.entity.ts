import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One authorization a user gave one client: every code, refresh token and access token issued
 * from it carries its id, so revoking the grant revokes them all.
 */
@Entity({ schema: 'auth', name: 'grants' })
export class GrantEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  amr: string[];

  @Column({ type: 'text', nullable: true })
  acr: string | null;

  /** The API (RFC 8707 resource) the authorization was given for; null when not bound to one. */
  @Column({ type: 'text', nullable: true })
  resource: string | null;

  /** Aitu's organisation number, released as the `bin` claim with the `ul_sign` scope. */
  @Column({ type: 'text', nullable: true })
  bin: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: string | null;
}
