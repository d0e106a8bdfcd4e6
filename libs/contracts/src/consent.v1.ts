/** Request/reply contracts of the consent service, version 1. */

export const ConsentSubjects = {
  consentGet: 'consent.v1.consent.get',
  consentGrant: 'consent.v1.consent.grant',
  consentRevoke: 'consent.v1.consent.revoke',
  consentList: 'consent.v1.consent.list',
  ping: 'consent.v1.health.ping',
  consentTouch: 'consent.v1.consent.touch',
  /** Several touches gathered by an auth instance, sent in one message. */
  consentTouchMany: 'consent.v1.consent.touch_many',
  trustedPhoneIssue: 'consent.v1.trusted_phone.issue',
  trustedPhoneConsume: 'consent.v1.trusted_phone.consume',
} as const;

export interface ConsentKey {
  userId: string;
  clientId: string;
}

export interface ConsentGrantRequest extends ConsentKey {
  scopes: string[];
  /** The API (RFC 8707 audience) the consent was given for, if the request named one. */
  resource?: string | null;
}

export interface ConsentRecord {
  userId: string;
  clientId: string;
  /** Every scope the user has granted this client so far. */
  scopes: string[];
  grantedAt: string | null;
  /** Every API (RFC 8707 audience) the user has consented to for this client. */
  resources: string[];
  /** When tokens were last issued or refreshed on this consent (kept to the minute), or null. */
  lastUsedAt: string | null;
}

/** Revoking a consent the user never gave is an error the admin API answers with 404. */
export type ConsentRevokeError = 'consent_not_found';

export interface ConsentListRequest {
  userId: string;
}

/** Tokens were issued or refreshed for the user and client; recorded at most once a minute. */
export interface ConsentTouchRequest extends ConsentKey {}

export interface ConsentTouchManyRequest {
  touches: ConsentKey[];
}

export interface TrustedPhoneIssueRequest {
  clientId: string;
  /** E.164, as the partner verified it. */
  phone: string;
}
export interface TrustedPhoneSecret {
  secret: string;
  expiresIn: number;
}

export interface TrustedPhoneConsumeRequest {
  clientId: string;
  phone: string;
  secret: string;
}
/**
 * Why an otp_confirmation did not sign anyone in: unknown, past its 60 minutes, already used, or
 * issued to another client or for another phone (then it is left unused for its owner).
 */
export type TrustedPhoneConsumeError = 'unknown' | 'expired' | 'used' | 'foreign';
