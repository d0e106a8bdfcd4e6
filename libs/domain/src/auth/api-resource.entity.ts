import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An API that access tokens may be issued for: its audience and the scopes it defines, and the
 * credentials with which it introspects the tokens meant for it.
 */
@Entity({ schema: 'auth', name: 'api_resources' })
export class ApiResourceEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', unique: true })
  audience: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  /** The resource's own client_id at the introspection endpoint; null for resources registered before credentials existed. */
  @Column({ name: 'client_id', type: 'text', nullable: true, unique: true })
  clientId: string | null;

  /** SHA-256 of its secret, which is shown once. */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  /** The JWS algorithm of the access tokens meant for this API: RS256, ES256 or EdDSA. */
  @Column({ name: 'access_token_signing_alg', type: 'text', default: 'RS256' })
  accessTokenSigningAlg: 'RS256' | 'ES256' | 'EdDSA';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
