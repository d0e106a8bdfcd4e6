import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What one user has allowed one client: the union of the scopes granted so far. */
@Entity({ schema: 'consent', name: 'consents' })
export class ConsentEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId: string;

  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** The APIs (RFC 8707 audiences) consented to. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  resources: string[];

  /** When tokens were last issued or refreshed on this consent, to the minute. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
