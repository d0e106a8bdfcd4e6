/**
 * Request/reply contracts of the user's own cabinet, of password recovery and of the audit trail,
 * all answered by the accounts service (version 1).
 */
import { MessageLocale, OtpChallenge, OtpChannel, OtpSendDetails, OtpSendError, OtpVerifyDetails, OtpVerifyError } from './accounts.v1';

export const AccountSubjects = {
  accountGet: 'accounts.v1.account.get',
  accountUpdate: 'accounts.v1.account.update',
  loginChange: 'accounts.v1.account.login_change',
  methodsSet: 'accounts.v1.account.methods_set',
  accountDelete: 'accounts.v1.account.delete',
  passwordChange: 'accounts.v1.password.change',
  identifierAdd: 'accounts.v1.identifier.add',
  identifierConfirm: 'accounts.v1.identifier.confirm',
  identifierRemove: 'accounts.v1.identifier.remove',
  identifierPrimary: 'accounts.v1.identifier.primary',
  identifiersList: 'accounts.v1.identifiers.list',
  identifiersRemove: 'accounts.v1.identifiers.remove',
  identifiersPrimary: 'accounts.v1.identifiers.primary',
  photoPut: 'accounts.v1.photo.put',
  photoGet: 'accounts.v1.photo.get',
  photoDelete: 'accounts.v1.photo.delete',
  recoveryStart: 'accounts.v1.recovery.start',
  recoveryFinish: 'accounts.v1.recovery.finish',
  auditRecord: 'accounts.v1.audit.record',
  auditList: 'accounts.v1.audit.list',
} as const;

/** Where a security-relevant action came from; kept in the audit table. */
export interface AuditContext {
  ip?: string;
  user_agent?: string;
  client_id?: string;
}

/** The sign-in methods a user may switch off for their own account. */
export type UserLoginMethod = 'password' | 'phone_otp' | 'email_otp';
export const USER_LOGIN_METHODS: UserLoginMethod[] = ['password', 'phone_otp', 'email_otp'];

/** Everything the cabinet shows of the account. */
export interface AccountView {
  id: string;
  login: string;
  email: string | null;
  email_verified: boolean;
  phone_number: string | null;
  phone_number_verified: boolean;
  primary_identifier: 'phone' | 'email' | null;
  given_name: string | null;
  family_name: string | null;
  middle_name: string | null;
  nickname: string | null;
  birthdate: string | null;
  locale: MessageLocale | null;
  picture: string | null;
  has_photo: boolean;
  has_password: boolean;
  password_updated_at: string | null;
  password_change_required: boolean;
  login_methods: UserLoginMethod[];
  created_at: string;
  /** Every phone and e-mail of the account; the primary ones are also phone_number and email above. */
  identifiers: AccountIdentifier[];
}

export type IdentifierKind = 'phone' | 'email';

/** One phone or e-mail of an account. Each value belongs to one account at most. */
export interface AccountIdentifier {
  id: string;
  type: IdentifierKind;
  value: string;
  verified: boolean;
  /** The one of its type that the phone_number / email claims carry. */
  primary: boolean;
  created_at: string;
}

export interface AccountRef {
  sub: string;
  context?: AuditContext;
}

/** Profile fields; an empty string clears a field (given_name excepted). Unnamed fields stay. */
export interface AccountUpdateRequest extends AccountRef {
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  birthdate?: string;
  locale?: string;
}
/** invalid_input's message names the field first: `birthdate: ...`. */
export type AccountError = 'not_found' | 'invalid_input';

export interface LoginChangeRequest extends AccountRef {
  login: string;
}
export type LoginChangeError = AccountError | 'login_taken';

export interface MethodsSetRequest extends AccountRef {
  methods: UserLoginMethod[];
}
/** none_left: at least one method must stay on; unusable: a method the account cannot use (no password, no verified phone ...). */
export type MethodsSetError = AccountError | 'none_left' | 'unusable';

export interface PasswordChangeRequest extends AccountRef {
  /** Required when the account has a password, unless a change is forced (password_change_required). */
  current?: string;
  password: string;
  /** True for the forced step at sign-in: allowed only while password_change_required is set. */
  forced?: boolean;
}
export type PasswordChangeError = AccountError | 'invalid_credentials';

export interface AccountDeleteRequest extends AccountRef {
  /** The password, when the account has one (re-authentication). */
  password?: string;
}
export type AccountDeleteError = 'not_found' | 'invalid_credentials';

export interface IdentifierAddRequest extends AccountRef {
  channel: OtpChannel;
  destination: string;
  ip: string;
  locale: MessageLocale;
}
/**
 * taken: another account holds this identifier (the cabinet says only that it cannot be added);
 * already_added: the account has it already; limit: the account holds the most of this kind.
 */
export type IdentifierAddError = OtpSendError | 'taken' | 'not_found' | 'already_added' | 'limit';

export interface IdentifierConfirmRequest extends AccountRef {
  challengeId: string;
  code: string;
}
export type IdentifierConfirmError = OtpVerifyError | 'taken' | 'limit';

export interface IdentifierRemoveRequest extends AccountRef {
  channel: OtpChannel;
}
/** last_method: removing it would leave no way to sign in. */
export type IdentifierRemoveError = 'not_found' | 'last_method';

export interface IdentifierPrimaryRequest extends AccountRef {
  channel: OtpChannel;
}
export type IdentifierPrimaryError = 'not_found' | 'invalid_input';

/** One identifier of the account, by its id (accounts.v1.identifiers.remove / .primary). */
export interface IdentifierRef extends AccountRef {
  id: string;
}
/** last_method: removing it would leave no way to sign in. */
export type IdentifiersRemoveError = 'not_found' | 'last_method';
/** unverified: only a verified identifier may be primary. */
export type IdentifiersPrimaryError = 'not_found' | 'unverified';

/** One part of a photo upload; the last part (index = total - 1) stores the photo. */
export interface PhotoPutRequest extends AccountRef {
  uploadId: string;
  index: number;
  total: number;
  /** base64 */
  data: string;
}
export type PhotoPutError = 'not_found' | 'invalid_input' | 'too_large' | 'unsupported_type';

export interface PhotoGetRequest {
  sub: string;
  offset?: number;
}
export interface PhotoPart {
  content_type: string;
  size: number;
  offset: number;
  /** base64 of at most PHOTO_PART_BYTES bytes from offset. */
  data: string;
  updated_at: string;
}
export type PhotoGetError = 'not_found';

/** Raw bytes per bus message: base64 of this stays well under NATS's 1 MB default. */
export const PHOTO_PART_BYTES = 512 * 1024;
export const PHOTO_MAX_BYTES = 1024 * 1024;

export interface RecoveryStartRequest {
  /** A phone number or an e-mail address, as typed. */
  destination: string;
  ip: string;
  locale: MessageLocale;
  context?: AuditContext;
}
/** The same answer whether or not an account has the identifier: a code goes out only if one does. */
export type RecoveryStartError = OtpSendError;

export interface RecoveryFinishRequest {
  challengeId: string;
  code: string;
  password: string;
  context?: AuditContext;
}
export type RecoveryFinishError = OtpVerifyError | 'invalid_password';

export interface AuditRecordRequest extends AccountRef {
  type: string;
  data?: Record<string, unknown>;
}

export interface AuditListRequest {
  sub: string;
  limit?: number;
}
export interface AuditEntry {
  at: string;
  type: string;
  ip: string | null;
  user_agent: string | null;
  client_id: string | null;
  data: Record<string, unknown> | null;
}

export type { OtpChallenge, OtpSendDetails, OtpVerifyDetails };
