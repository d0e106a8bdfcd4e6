/** Request/reply contracts of the accounts service, version 1. */

export const AccountsSubjects = {
  userCreate: 'accounts.v1.user.create',
  passwordVerify: 'accounts.v1.password.verify',
  claimsGet: 'accounts.v1.claims.get',
  ping: 'accounts.v1.health.ping',
} as const;

export interface CreateUserRequest {
  login: string;
  password: string;
  email?: string;
  phone?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  birthdate?: string;
  picture?: string;
  email_public?: string;
  custom_fields?: Record<string, unknown>;
  password_change_required?: boolean;
  /** Identifiers given by an administrator count as verified; self-registered ones do not. */
  verified?: boolean;
}

export type CreateUserError = 'login_taken' | 'email_taken' | 'phone_taken' | 'invalid_input';

export interface CreatedUser {
  id: string;
  login: string;
  email: string | null;
  email_verified: boolean;
  phone_number: string | null;
  phone_number_verified: boolean;
  given_name: string | null;
  family_name: string | null;
  created_at: string;
}

export interface VerifyPasswordRequest {
  login: string;
  password: string;
}
export type VerifyPasswordError = 'invalid_credentials';

export interface ClaimsRequest {
  sub: string;
  /** Claims released are those of these scopes only. */
  scopes: string[];
}
export type ClaimsError = 'not_found';
