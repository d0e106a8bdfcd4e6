/**
 * Domain events, published on NATS JetStream (stream IDP_EVENTS) in distributed mode so other
 * services can consume them; in embedded mode they stay in the process. The subject is
 * `idp.events.<type>`: never a bus subject (`consent.v1...`), which the stream would otherwise swallow.
 */
export interface DomainEvents {
  'user.registered': { sub: string; method: 'password' | 'otp' | 'admin' | 'federated' };
  'user.locked': { sub: string };
  'user.unlocked': { sub: string };
  'user.login_succeeded': { sub: string; client_id: string; amr: string[] };
  'user.login_failed': { client_id: string; reason: string };
  'consent.granted': { sub: string; client_id: string; scopes: string[] };
  'consent.revoked': { sub: string; client_id: string };
  'session.ended': { sid: string; sub: string; reason: string };
  'user.2fa_enabled': { sub: string; method: 'totp' | 'sms' };
  'user.2fa_disabled': { sub: string; reason: 'user' };
  'user.password_changed': { sub: string; via: 'cabinet' | 'recovery' | 'forced' };
  'user.recovery_requested': { sub: string; channel: 'sms' | 'email' };
  'user.deleted': { sub: string };
  'user.profile_updated': { sub: string; fields: string[] };
  /** A phone or address joined the account (it is verified at that moment: codes prove it first). */
  'user.identifier_added': { sub: string; channel: 'sms' | 'email'; identifier_id?: string; primary?: boolean };
  'user.identifier_verified': { sub: string; channel: 'sms' | 'email'; identifier_id: string };
  'user.identifier_removed': { sub: string; channel: 'sms' | 'email'; identifier_id?: string };
  'user.primary_identifier_changed': { sub: string; channel: 'sms' | 'email'; identifier_id: string };
  'user.login_methods_changed': { sub: string; methods: string[] };
  'organization.created': { organization_id: string; name: string; owner_sub?: string; actor?: string };
  'organization.updated': { organization_id: string; name: string; actor?: string };
  'organization.deleted': { organization_id: string; actor?: string };
  'organization.member_added': { organization_id: string; sub: string; role: string; via: 'admin' | 'cabinet' | 'invitation' | 'federated'; actor?: string };
  'organization.member_role_changed': { organization_id: string; sub: string; role: string; actor?: string };
  'organization.member_removed': { organization_id: string; sub: string; via: 'admin' | 'cabinet' | 'left'; actor?: string };
  'organization.invitation_created': { organization_id: string; invitation_id: string; role: string; channel: 'sms' | 'email'; actor?: string };
  'organization.domain_claimed': { organization_id: string; domain: string; actor?: string };
  'organization.domain_verified': { organization_id: string; domain: string; method: 'dns' | 'http'; actor?: string };
  'organization.domain_removed': { organization_id: string; domain: string; actor?: string };
  'organization.provider_changed': { organization_id: string; provider_id: string; change: 'added' | 'updated' | 'removed'; unlinked?: number; actor?: string };
}

export type DomainEventType = keyof DomainEvents;

export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  at: string;
  data: DomainEvents[T];
}

export const EVENT_STREAM = 'IDP_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'idp.events.';
export const EVENT_SUBJECTS = ['idp.events.>'];
