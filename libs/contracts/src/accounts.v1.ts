/** Request/reply contracts of the accounts service, version 1. */

export const AccountsSubjects = {
  userCreate: 'accounts.v1.user.create',
  passwordVerify: 'accounts.v1.password.verify',
  claimsGet: 'accounts.v1.claims.get',
  profileUpdate: 'accounts.v1.profile.update',
  otpSend: 'accounts.v1.otp.send',
  otpVerify: 'accounts.v1.otp.verify',
  outboxList: 'accounts.v1.outbox.list',
  phoneResolve: 'accounts.v1.phone.resolve',
  userSearch: 'accounts.v1.user.search',
  userAdminUpdate: 'accounts.v1.user.admin_update',
  ping: 'accounts.v1.health.ping',
  phoneSignIn: 'accounts.v1.phone.sign_in',
  iinSet: 'accounts.v1.iin.set',
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
  /** e.g. [{"service": "telegram", "id": "@aigerim"}] */
  public_external_accounts?: Array<Record<string, unknown>>;
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
  /** Where the attempt came from: a failed attempt on an existing account goes to its audit trail. */
  context?: { ip?: string; user_agent?: string; client_id?: string };
}
/** method_disabled: the password was right, but the user has switched password sign-in off. */
export type VerifyPasswordError = 'invalid_credentials' | 'method_disabled';

export interface ClaimsRequest {
  sub: string;
  /** Claims released are those of these scopes only. */
  scopes: string[];
}
export type ClaimsError = 'not_found';

export interface UpdateProfileRequest {
  sub: string;
  given_name?: string;
  family_name?: string;
}
export type UpdateProfileError = 'not_found' | 'invalid_input';

export type OtpChannel = 'sms' | 'email';
export type OtpPurpose = 'login' | 'registration' | 'recovery' | '2fa' | 'verification';
export type MessageLocale = 'ru' | 'en' | 'kk';

export interface OtpSendRequest {
  channel: OtpChannel;
  /** As typed: a phone number (read in the default region without +) or an e-mail address. */
  destination: string;
  purpose: OtpPurpose;
  /** The client's address, for the per-IP ceilings. */
  ip: string;
  locale: MessageLocale;
}

export interface OtpChallenge {
  challengeId: string;
  channel: OtpChannel;
  /** Normalised: E.164 or a lower-cased e-mail address. */
  destination: string;
  /** Seconds the code lives, and seconds until a new one may be asked for. */
  expiresIn: number;
  resendIn: number;
}

export type OtpSendError = 'invalid_destination' | 'resend_too_soon' | 'too_many_requests';
export interface OtpSendDetails {
  /** Seconds until a send can succeed. */
  retryAfter: number;
}

export interface OtpVerifyRequest {
  challengeId: string;
  code: string;
}

/**
 * A confirmed code. For login and registration codes the identifier also resolves to an account:
 * the one it is verified on, or a new one created with it (created = true).
 */
export interface OtpVerified {
  channel: OtpChannel;
  destination: string;
  purpose: OtpPurpose;
  sub: string;
  created: boolean;
}

/**
 * wrong_code leaves attempts; attempts_exhausted and expired need a new code; method_disabled: the
 * account's owner has switched sign-in by this kind of code off.
 */
export type OtpVerifyError = 'wrong_code' | 'attempts_exhausted' | 'expired' | 'locked' | 'method_disabled';
export interface OtpVerifyDetails {
  attemptsLeft: number;
}

export interface OutboxListRequest {
  /** A phone number or an e-mail address, normalised as codes are sent. */
  to: string;
}
export interface OutboxMessage {
  channel: OtpChannel;
  to: string;
  text: string;
  code: string;
  at: string;
}
/** disabled: the development outbox is off in this accounts process. */
export type OutboxListError = 'disabled' | 'invalid_input';

export interface PhoneResolveRequest {
  /** As typed: read in the default region without +. */
  phone: string;
}
/**
 * not_found covers both "no account has this phone" and "an account has it unverified": only a
 * verified phone names an account, and the caller must not learn which of the two it was.
 */
export type PhoneResolveError = 'invalid_input' | 'not_found';

/** What an administrator sees of an account. */
export interface UserSummary extends CreatedUser {
  locked: boolean;
  password_change_required: boolean;
}

export interface UserSearchRequest {
  /** Matches the start of the login, e-mail or phone, or a whole account id; empty lists the newest. */
  query?: string;
  limit?: number;
}

export interface UserAdminUpdateRequest {
  sub: string;
  locked?: boolean;
  password_change_required?: boolean;
}
export type UserAdminUpdateError = 'not_found';

/** A phone a partner confirmed (trusted phone): signs in to its account, or registers one with it verified. */
export interface PhoneSignInRequest {
  phone: string;
}
export type PhoneSignInError = 'invalid_input' | 'locked';

/** Sets the account's IIN once; it is then an identifier, unique across accounts. */
export interface IinSetRequest {
  sub: string;
  iin: string;
}
export type IinSetError = 'not_found' | 'invalid_input' | 'iin_taken' | 'iin_already_set';
