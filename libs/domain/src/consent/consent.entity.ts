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
}
