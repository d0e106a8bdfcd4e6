/** Request/reply contracts of the second factor (accounts service), version 1. */

export const SecondFactorSubjects = {
  status: 'accounts.v1.second_factor.status',
  totpBegin: 'accounts.v1.second_factor.totp_begin',
  totpConfirm: 'accounts.v1.second_factor.totp_confirm',
  verify: 'accounts.v1.second_factor.verify',
  smsSend: 'accounts.v1.second_factor.sms_send',
  smsSet: 'accounts.v1.second_factor.sms_set',
  smsEnrolSend: 'accounts.v1.second_factor.sms_enrol_send',
  smsEnrolConfirm: 'accounts.v1.second_factor.sms_enrol_confirm',
  backupRegenerate: 'accounts.v1.second_factor.backup_regenerate',
  disable: 'accounts.v1.second_factor.disable',
  requireSet: 'accounts.v1.second_factor.require_set',
  deviceRemember: 'accounts.v1.second_factor.device_remember',
  deviceCheck: 'accounts.v1.second_factor.device_check',
  deviceList: 'accounts.v1.second_factor.device_list',
  deviceRevoke: 'accounts.v1.second_factor.device_revoke',
} as const;

export type SecondFactorMethod = 'totp' | 'sms' | 'backup_code';

export interface SecondFactorSubject {
  sub: string;
}

/** What an account has of a second factor. */
export interface SecondFactorStatus {
  totp: boolean;
  sms: boolean;
  /** The account has a verified phone, so the SMS factor can be turned on. */
  smsAvailable: boolean;
  /** The verified phone with the middle digits hidden, for pages and required_factors. */
  phoneMasked: string | null;
  backupCodesLeft: number;
  /** An administrator requires a second factor for this account. */
  required: boolean;
  /** At least one factor (TOTP or SMS) is on. */
  enrolled: boolean;
}

export interface TotpBeginRequest extends SecondFactorSubject {
  /** The account's name in the authenticator app. */
  label: string;
}
/** The secret (base32) and its otpauth:// URI: shown during enrolment, confirmed with a first code. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
}

export interface TotpConfirmRequest extends SecondFactorSubject {
  code: string;
}
/** Backup codes come with the first factor an account turns on (shown once). */
export interface TotpConfirmed {
  backupCodes: string[];
}

export interface SecondFactorVerifyRequest extends SecondFactorSubject {
  method: SecondFactorMethod;
  code: string;
  /** The SMS code's challenge (from sms_send). */
  challengeId?: string;
}
export interface SecondFactorVerified {
  method: SecondFactorMethod;
  /** RFC 8176 value of the method: otp (TOTP, backup code) or sms. */
  amr: string;
}

/**
 * wrong_code: counted; too_many_attempts: wait retryAfter seconds; replayed: a TOTP code (time step)
 * already used; not_enrolled: the method is not on; expired: the SMS code is gone; locked: an
 * administrator locked the account after its first factor passed.
 */
export type SecondFactorVerifyError = 'wrong_code' | 'too_many_attempts' | 'replayed' | 'not_enrolled' | 'expired' | 'locked';
export interface SecondFactorVerifyDetails {
  retryAfter?: number;
  attemptsLeft?: number;
}

export interface SecondFactorSmsSendRequest extends SecondFactorSubject {
  ip: string;
  locale: 'ru' | 'en' | 'kk';
}
export interface SecondFactorSmsSent {
  challengeId: string;
  phoneMasked: string;
  resendIn: number;
}
export type SecondFactorSmsSendError = 'not_enrolled' | 'resend_too_soon' | 'too_many_requests';

/**
 * Turning the SMS factor on by proving the verified phone (enrolment during a sign-in): a code
 * (purpose 2fa) to the phone, then its confirmation; only for an account with no factor on.
 * no_verified_phone: the account has none; already_on: a factor is on already (it must be passed).
 */
export type SmsEnrolSendError = 'no_verified_phone' | 'already_on' | 'resend_too_soon' | 'too_many_requests';
export interface SmsEnrolConfirmRequest extends SecondFactorSubject {
  challengeId: string;
  code: string;
}

export interface SmsSetRequest extends SecondFactorSubject {
  enabled: boolean;
}
/** last_factor: SMS is the only factor on; turning it off is turning 2FA off, which needs re-authentication. */
export type SmsSetError = 'no_verified_phone' | 'not_found' | 'last_factor';

export interface BackupCodes {
  codes: string[];
}
/** New backup codes need re-authentication too (the current password or a factor's code), as turning 2FA off does. */
export type BackupRegenerateError = 'not_enrolled' | 'reauthentication_failed' | 'too_many_attempts';

/** Turning 2FA off needs the current password or a current factor's code. */
export interface DisableRequest extends SecondFactorSubject {
  password?: string;
  code?: string;
  /** With `code`: the SMS code sent by second_factor.sms_send (purpose 2fa) for this challenge. */
  smsChallengeId?: string;
}
export type DisableError = 'reauthentication_failed' | 'too_many_attempts';

export interface RequireSetRequest extends SecondFactorSubject {
  required: boolean;
}

export interface DeviceRememberRequest extends SecondFactorSubject {
  /** The browser's user agent, to tell devices apart in the list. */
  label: string;
  days: number;
}
export interface RememberedDeviceToken {
  id: string;
  /** The cookie value: shown once, stored hashed. */
  token: string;
  expiresAt: string;
}

export interface DeviceCheckRequest extends SecondFactorSubject {
  token: string;
}

export interface RememberedDevice {
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

export interface DeviceRevokeRequest extends SecondFactorSubject {
  /** One device, or every device of the account when absent. */
  id?: string;
}
