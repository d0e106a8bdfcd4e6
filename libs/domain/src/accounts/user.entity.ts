import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person's account. Identifiers are stored normalised and are unique across accounts. */
@Entity({ schema: 'accounts', name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Lower-cased login (user name). */
  @Column({ type: 'text', unique: true })
  login: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  /** E.164. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'phone_verified', type: 'boolean', default: false })
  phoneVerified: boolean;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'password_updated_at', type: 'timestamptz', nullable: true })
  passwordUpdatedAt: Date | null;

  @Column({ name: 'given_name', type: 'text', nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'text', nullable: true })
  familyName: string | null;

  @Column({ name: 'middle_name', type: 'text', nullable: true })
  middleName: string | null;

  @Column({ type: 'text', nullable: true })
  nickname: string | null;

  @Column({ type: 'text', nullable: true })
  birthdate: string | null;

  @Column({ type: 'text', nullable: true })
  picture: string | null;

  /** The e-mail the user shows to others (may differ from the sign-in e-mail). */
  @Column({ name: 'email_public', type: 'text', nullable: true })
  emailPublic: string | null;

  @Column({ name: 'password_change_required', type: 'boolean', default: false })
  passwordChangeRequired: boolean;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @Column({ name: 'custom_fields', type: 'jsonb', nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  customFields: Record<string, any> | null;

  /** Accounts in other services the user shows publicly (the `accounts` scope). */
  @Column({ name: 'public_external_accounts', type: 'jsonb', nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  publicExternalAccounts: Array<Record<string, any>> | null;

  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true })
  lockedAt: Date | null;

  /** The Kazakh individual identification number: an identifier, unique across accounts, set once. */
  @Column({ type: 'text', nullable: true })
  iin: string | null;

  /** The user's page language (ru, en, kk), or null to follow the browser. */
  @Column({ type: 'text', nullable: true })
  locale: string | null;

  /** Sign-in methods the user keeps on (password, phone_otp, email_otp); null means all of them. */
  @Column({ name: 'login_methods', type: 'text', array: true, nullable: true })
  loginMethods: string[] | null;

  /** The main contact: 'phone' or 'email', or null for whichever exists. */
  @Column({ name: 'primary_identifier', type: 'text', nullable: true })
  primaryIdentifier: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
