import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ClientMetadata } from './client-metadata';

/** A registered relying party. Metadata by RFC 7591 / OpenID Registration names, plus ours. */
@Entity({ schema: 'auth', name: 'clients' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  /** SHA-256 of the secret (secrets are 256-bit random, so a fast hash is enough); null for public clients. */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  /**
   * The same secret AES-256-GCM encrypted under KEY_ENCRYPTION_KEY, only for clients that use
   * client_secret_jwt: the secret is the HMAC key there, so a hash alone cannot verify it.
   */
  @Column({ name: 'secret_encrypted', type: 'text', nullable: true })
  secretEncrypted: string | null;

  @Column({ type: 'jsonb' })
  metadata: ClientMetadata;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
