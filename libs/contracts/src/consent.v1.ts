/** Request/reply contracts of the consent service, version 1. */

export const ConsentSubjects = {
  consentGet: 'consent.v1.consent.get',
  consentGrant: 'consent.v1.consent.grant',
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
