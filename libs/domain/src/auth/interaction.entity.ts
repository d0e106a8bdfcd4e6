import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The named states of a browser interaction:
 * login -> [otp -> [profile ->]] consent -> completed, or aborted (denied, or failed) at any step.
 * otp: a one-time code was sent and is awaited; profile: an account just created from a phone or
 * e-mail is asked for a name. second_factor: the first factor passed and the account (or the
 * client) needs a second one, or its enrolment, before the session starts; password_change: an
 * administrator requires a new password first.
 */
export type InteractionState = 'login' | 'otp' | 'profile' | 'password_change' | 'consent' | 'completed' | 'aborted'
  /** The account's IIN is confirmed (set from the client's signed IIN) or typed in. */
  | 'iin'
  | 'second_factor';

/** What the second_factor step carries: where to go after it, and what has passed. */
export interface SecondFactorStep {
  /** A new account gives its name after the second factor. */
  askProfile: boolean;
  /** An enrolment (authenticator app or SMS) confirmed in the flow: the backup codes were shown, continue with this amr. */
  enrolledAmr?: string;
  /** The first factor was an SMS code: a second SMS to the same phone proves nothing more, so it is not offered. */
  firstFactorSms?: boolean;
}

/** The code this interaction waits for (the code itself lives hashed in accounts). */
export interface OtpStep {
  challengeId: string;
  channel: 'sms' | 'email';
  /** Normalised: E.164 or a lower-cased e-mail address. */
  destination: string;
  sentAt: string;
  /** Seconds after sentAt before a new code may be asked for. */
  resendIn: number;
}

/** The validated authorization request an interaction serves. */
export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  response_type: string;
  response_mode: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  prompt: string[];
  max_age?: number;
  ui_locales?: string;
  login_hint?: string;
  /** Aitu's `phone` (`+7XXXXXXXXXX`): pre-fills the phone field, which stays editable. */
  phone?: string;
  /** Set when the interaction approves a device (RFC 8628) instead of answering a redirect. */
  device_user_code?: string;
  id_token_hint_sub?: string;
  acr_values?: string;
  display?: string;
  claims_locales?: string;
  /** RFC 8707: the audience of the one API the access tokens are for. */
  resource?: string;
  /** Aitu's `iin`: a valid IIN, pre-filled; locked when the client signed it (`iin_signature`). */
  iin?: string;
  iin_locked?: boolean;
  /** Aitu's `bin` (organisation number), carried with the grant for the `ul_sign` scope. */
  bin?: string;
}

@Entity({ schema: 'auth', name: 'interactions' })
export class InteractionEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  state: InteractionState;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ type: 'jsonb' })
  request: AuthorizationRequest;

  /** Synchronizer token of every form this interaction renders. */
  @Column({ name: 'csrf_token', type: 'text' })
  csrfToken: string;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'auth_time', type: 'timestamptz', nullable: true })
  authTime: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  otp: OtpStep | null;

  /** How the user authenticated in this interaction (RFC 8176): pwd, otp. */
  @Column({ type: 'text', array: true, nullable: true })
  amr: string[] | null;

  @Column({ name: 'second_factor', type: 'jsonb', nullable: true })
  secondFactor: SecondFactorStep | null;

  /** The language saved in the profile of the user once known (after the first factor, or from the reused session). */
  @Column({ name: 'user_locale', type: 'text', nullable: true })
  userLocale: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
