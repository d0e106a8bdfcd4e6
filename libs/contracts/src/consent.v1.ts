/** Request/reply contracts of the consent service, version 1. */

export const ConsentSubjects = {
  consentGet: 'consent.v1.consent.get',
  consentGrant: 'consent.v1.consent.grant',
  consentRevoke: 'consent.v1.consent.revoke',
  consentList: 'consent.v1.consent.list',
  ping: 'consent.v1.health.ping',
} as const;

export interface ConsentKey {
  userId: string;
  clientId: string;
}

export interface ConsentGrantRequest extends ConsentKey {
  scopes: string[];
}

export interface ConsentRecord {
  userId: string;
  clientId: string;
  /** Every scope the user has granted this client so far. */
  scopes: string[];
  grantedAt: string | null;
}

/** Revoking a consent the user never gave is an error the admin API answers with 404. */
export type ConsentRevokeError = 'consent_not_found';

export interface ConsentListRequest {
  userId: string;
}
