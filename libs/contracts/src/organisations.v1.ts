/** Request/reply contracts of organisations (owned by the accounts service), version 1. */

export const OrganisationsSubjects = {
  create: 'accounts.v1.organization.create',
  list: 'accounts.v1.organization.list',
  get: 'accounts.v1.organization.get',
  update: 'accounts.v1.organization.update',
  remove: 'accounts.v1.organization.delete',
  memberSet: 'accounts.v1.organization.member_set',
  memberRemove: 'accounts.v1.organization.member_remove',
  invite: 'accounts.v1.organization.invite',
  invitationsAccept: 'accounts.v1.organization.invitations_accept',
  domainClaim: 'accounts.v1.organization.domain_claim',
  domainVerified: 'accounts.v1.organization.domain_verified',
  domainRemove: 'accounts.v1.organization.domain_remove',
  route: 'accounts.v1.organization.route',
  memberships: 'accounts.v1.organization.memberships',
  federatedSignIn: 'accounts.v1.federated.sign_in',
  federatedLink: 'accounts.v1.federated.link',
  federatedUnlink: 'accounts.v1.federated.unlink',
} as const;

/** Who asked for a change, when it is a person in the cabinet (absent for the admin API); kept in their audit trail. */
export interface OrgActor {
  actor?: string;
}

export type OrgRole = 'owner' | 'admin' | 'member';
export const ORG_ROLES: readonly OrgRole[] = ['owner', 'admin', 'member'];

export interface Organisation {
  id: string;
  name: string;
  created_at: string;
}

export interface OrgMember {
  sub: string;
  role: OrgRole;
  joined_at: string;
}

export interface OrgDomain {
  domain: string;
  /** Put this in a TXT record (`idp-verification=<token>`) or at https://<domain>/.well-known/idp-verification.txt. */
  verification_token: string;
  verified: boolean;
  verified_at: string | null;
  method: 'dns' | 'http' | null;
}

export interface OrgInvitation {
  id: string;
  email: string | null;
  phone: string | null;
  role: OrgRole;
  created_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
}

export interface OrganisationDetails extends Organisation {
  members: OrgMember[];
  domains: OrgDomain[];
  invitations: OrgInvitation[];
}

export type OrgError = 'not_found' | 'invalid_input';
export type MemberSetError = OrgError | 'user_not_found' | 'last_owner';
export type DomainClaimError = OrgError | 'domain_taken';

export interface OrgIdRequest extends OrgActor {
  id: string;
}
export interface OrgCreateRequest extends OrgActor {
  name: string;
  owner_sub?: string;
}
export interface OrgUpdateRequest extends OrgActor {
  id: string;
  name: string;
}
export interface MemberSetRequest extends OrgActor {
  id: string;
  sub: string;
  role: OrgRole;
}
export interface MemberRemoveRequest extends OrgActor {
  id: string;
  sub: string;
}
export interface InviteRequest extends OrgActor {
  id: string;
  email?: string;
  phone?: string;
  role: OrgRole;
}
export interface InvitationsAcceptRequest {
  sub: string;
}
export interface DomainClaimRequest extends OrgActor {
  id: string;
  domain: string;
}
export interface DomainVerifiedRequest extends OrgActor {
  id: string;
  domain: string;
  method: 'dns' | 'http';
}
export interface RouteRequest {
  email: string;
}
/** The organisation whose verified domain the address is on. */
export interface Route {
  organization_id: string;
  domain: string;
}
export interface Membership {
  organization_id: string;
  name: string;
  role: OrgRole;
}

/** An upstream identity, as the auth service validated it; the profile is already mapped to our names. */
export interface FederatedSignInRequest {
  provider_id: string;
  subject: string;
  organization_id: string;
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
}
/** link_required: an account has this e-mail; its owner must sign in to it before it is linked. */
export type FederatedSignInError = 'invalid_input' | 'link_required' | 'locked';
/** With link_required: the account that has the address, so its owner can prove control of it (never shown to the browser). */
export interface FederatedSignInDetails {
  holder: string;
}
export interface FederatedSignIn {
  sub: string;
  created: boolean;
}
export interface FederatedLinkRequest extends FederatedSignInRequest {
  sub: string;
}
export type FederatedLinkError = 'invalid_input' | 'subject_taken' | 'not_found';

/** The providers are gone (removed, or their organisation was): their upstream identities no longer sign anyone in. */
export interface FederatedUnlinkRequest {
  provider_ids: string[];
}
export interface FederatedUnlinked {
  removed: number;
}
