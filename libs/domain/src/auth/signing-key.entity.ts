import type { JWK } from 'jose';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A signing key shared by all auth instances; the private part is encrypted at rest. */
@Entity({ schema: 'auth', name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: JWK;

  /** AES-256-GCM under KEY_ENCRYPTION_KEY: base64url(iv).base64url(tag).base64url(ciphertext). */
  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When it starts (or started) to sign; later than createdAt for a key published ahead of use. */
  @Column({ name: 'activated_at', type: 'timestamptz' })
  activatedAt: Date;

  /** When it stops (or stopped) signing: its successor's activation. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
