import {
  AccountsSubjects,
  UserAdminUpdateError,
  UserAdminUpdateRequest,
  UserSearchRequest,
  UserSummary,
  ClaimsError,
  ClaimsRequest,
  CreateUserError,
  CreateUserRequest,
  CreatedUser,
  OtpChallenge,
  OtpSendDetails,
  OtpSendError,
  OtpSendRequest,
  OtpVerified,
  OtpVerifyDetails,
  OtpVerifyError,
  OtpVerifyRequest,
  OutboxListError,
  OutboxListRequest,
  OutboxMessage,
  PhoneResolveError,
  PhoneResolveRequest,
  UpdateProfileError,
  UpdateProfileRequest,
  VerifyPasswordError,
  VerifyPasswordRequest,
  PhoneSignInRequest,
  PhoneSignInError,
  IinSetRequest,
  IinSetError,
} from './accounts.v1';
import {
  BindCertificateError,
  BindCertificateRequest,
  BoundCertificate,
  CertificatesSubjects,
  ListCertificatesRequest,
  RemoveCertificateError,
  RemoveCertificateRequest,
  ResolveCertificateError,
  ResolveCertificateRequest,
} from './certificates.v1';
import {
  BackupCodes,
  BackupRegenerateError,
  DeviceCheckRequest,
  DeviceRememberRequest,
  DeviceRevokeRequest,
  DisableError,
  DisableRequest,
  RememberedDevice,
  RememberedDeviceToken,
  RequireSetRequest,
  SecondFactorSmsSendError,
  SecondFactorSmsSendRequest,
  SecondFactorSmsSent,
  SecondFactorStatus,
  SecondFactorSubject,
  SecondFactorSubjects,
  SecondFactorVerified,
  SecondFactorVerifyDetails,
  SecondFactorVerifyError,
  SecondFactorVerifyRequest,
  SmsEnrolConfirmRequest,
  SmsEnrolSendError,
  SmsSetError,
  SmsSetRequest,
  TotpBeginRequest,
  TotpConfirmRequest,
  TotpConfirmed,
  TotpEnrolment,
} from './second-factor.v1';
import * as A from './account.v1';
import { ConsentGrantRequest, ConsentKey, ConsentListRequest, ConsentRecord, ConsentRevokeError, ConsentSubjects } from './consent.v1';
import { ConsentTouchManyRequest, ConsentTouchRequest, TrustedPhoneConsumeError, TrustedPhoneConsumeRequest, TrustedPhoneIssueRequest, TrustedPhoneSecret } from './consent.v1';

import * as Org from './organisations.v1';
import { OrganisationsSubjects as OrgS } from './organisations.v1';

type Contract<Req, Value, Code extends string = never, Details = never> = { request: Req; value: Value; code: Code; details: Details };

/** The one table of every request/reply subject: what it takes, what it answers, how it fails. */
export interface Contracts {
  [AccountsSubjects.userCreate]: Contract<CreateUserRequest, CreatedUser, CreateUserError>;
  [AccountsSubjects.passwordVerify]: Contract<VerifyPasswordRequest, { sub: string }, VerifyPasswordError>;
  [AccountsSubjects.claimsGet]: Contract<ClaimsRequest, Record<string, unknown>, ClaimsError>;
  [AccountsSubjects.profileUpdate]: Contract<UpdateProfileRequest, { sub: string }, UpdateProfileError>;
  [AccountsSubjects.otpSend]: Contract<OtpSendRequest, OtpChallenge, OtpSendError, OtpSendDetails>;
  [AccountsSubjects.otpVerify]: Contract<OtpVerifyRequest, OtpVerified, OtpVerifyError, OtpVerifyDetails>;
  [AccountsSubjects.outboxList]: Contract<OutboxListRequest, OutboxMessage[], OutboxListError>;
  [AccountsSubjects.phoneResolve]: Contract<PhoneResolveRequest, { sub: string }, PhoneResolveError>;
  [AccountsSubjects.userSearch]: Contract<UserSearchRequest, { users: UserSummary[] }>;
  [AccountsSubjects.userAdminUpdate]: Contract<UserAdminUpdateRequest, UserSummary, UserAdminUpdateError>;
  [AccountsSubjects.ping]: Contract<Record<string, never>, { at: string }>;
  [ConsentSubjects.consentGet]: Contract<ConsentKey, ConsentRecord>;
  [ConsentSubjects.consentGrant]: Contract<ConsentGrantRequest, ConsentRecord>;
  [ConsentSubjects.consentRevoke]: Contract<ConsentKey, ConsentRecord, ConsentRevokeError>;
  [ConsentSubjects.consentList]: Contract<ConsentListRequest, ConsentRecord[]>;
  [ConsentSubjects.ping]: Contract<Record<string, never>, { at: string }>;
  [AccountsSubjects.phoneSignIn]: Contract<PhoneSignInRequest, { sub: string; created: boolean }, PhoneSignInError>;
  [AccountsSubjects.iinSet]: Contract<IinSetRequest, { sub: string }, IinSetError>;
  [ConsentSubjects.consentTouch]: Contract<ConsentTouchRequest, { touched: boolean }>;
  [ConsentSubjects.consentTouchMany]: Contract<ConsentTouchManyRequest, { touched: number }>;
  [ConsentSubjects.trustedPhoneIssue]: Contract<TrustedPhoneIssueRequest, TrustedPhoneSecret>;
  [ConsentSubjects.trustedPhoneConsume]: Contract<TrustedPhoneConsumeRequest, { phone: string }, TrustedPhoneConsumeError>;
  [CertificatesSubjects.bind]: Contract<BindCertificateRequest, BoundCertificate, BindCertificateError>;
  [CertificatesSubjects.list]: Contract<ListCertificatesRequest, BoundCertificate[]>;
  [CertificatesSubjects.remove]: Contract<RemoveCertificateRequest, { id: string }, RemoveCertificateError>;
  [CertificatesSubjects.resolve]: Contract<ResolveCertificateRequest, { sub: string; via: 'binding' | 'mapping' }, ResolveCertificateError>;
  [SecondFactorSubjects.status]: Contract<SecondFactorSubject, SecondFactorStatus, 'not_found'>;
  [SecondFactorSubjects.totpBegin]: Contract<TotpBeginRequest, TotpEnrolment, 'not_found' | 'already_on'>;
  [SecondFactorSubjects.totpConfirm]: Contract<TotpConfirmRequest, TotpConfirmed, SecondFactorVerifyError, SecondFactorVerifyDetails>;
  [SecondFactorSubjects.verify]: Contract<SecondFactorVerifyRequest, SecondFactorVerified, SecondFactorVerifyError, SecondFactorVerifyDetails>;
  [SecondFactorSubjects.smsSend]: Contract<SecondFactorSmsSendRequest, SecondFactorSmsSent, SecondFactorSmsSendError, { retryAfter: number }>;
  [SecondFactorSubjects.smsSet]: Contract<SmsSetRequest, SecondFactorStatus & { backupCodes: string[] }, SmsSetError>;
  [SecondFactorSubjects.smsEnrolSend]: Contract<SecondFactorSmsSendRequest, SecondFactorSmsSent, SmsEnrolSendError, { retryAfter: number }>;
  [SecondFactorSubjects.smsEnrolConfirm]: Contract<SmsEnrolConfirmRequest, TotpConfirmed, SecondFactorVerifyError, SecondFactorVerifyDetails>;
  [SecondFactorSubjects.backupRegenerate]: Contract<DisableRequest, BackupCodes, BackupRegenerateError, SecondFactorVerifyDetails>;
  [SecondFactorSubjects.disable]: Contract<DisableRequest, SecondFactorStatus, DisableError, SecondFactorVerifyDetails>;
  [SecondFactorSubjects.requireSet]: Contract<RequireSetRequest, SecondFactorStatus, 'not_found'>;
  [SecondFactorSubjects.deviceRemember]: Contract<DeviceRememberRequest, RememberedDeviceToken, 'not_found'>;
  [SecondFactorSubjects.deviceCheck]: Contract<DeviceCheckRequest, { valid: boolean }>;
  [SecondFactorSubjects.deviceList]: Contract<SecondFactorSubject, RememberedDevice[]>;
  [SecondFactorSubjects.deviceRevoke]: Contract<DeviceRevokeRequest, { revoked: number }>;
  [A.AccountSubjects.accountGet]: Contract<A.AccountRef, A.AccountView, 'not_found'>;
  [A.AccountSubjects.accountUpdate]: Contract<A.AccountUpdateRequest, A.AccountView, A.AccountError>;
  [A.AccountSubjects.loginChange]: Contract<A.LoginChangeRequest, A.AccountView, A.LoginChangeError>;
  [A.AccountSubjects.methodsSet]: Contract<A.MethodsSetRequest, A.AccountView, A.MethodsSetError>;
  [A.AccountSubjects.accountDelete]: Contract<A.AccountDeleteRequest, { sub: string }, A.AccountDeleteError>;
  [A.AccountSubjects.passwordChange]: Contract<A.PasswordChangeRequest, { sub: string; password_updated_at: string }, A.PasswordChangeError>;
  [A.AccountSubjects.identifierAdd]: Contract<A.IdentifierAddRequest, A.OtpChallenge, A.IdentifierAddError, A.OtpSendDetails>;
  [A.AccountSubjects.identifierConfirm]: Contract<A.IdentifierConfirmRequest, A.AccountView, A.IdentifierConfirmError, A.OtpVerifyDetails>;
  [A.AccountSubjects.identifierRemove]: Contract<A.IdentifierRemoveRequest, A.AccountView, A.IdentifierRemoveError>;
  [A.AccountSubjects.identifierPrimary]: Contract<A.IdentifierPrimaryRequest, A.AccountView, A.IdentifierPrimaryError>;
  [A.AccountSubjects.identifiersList]: Contract<A.AccountRef, { identifiers: A.AccountIdentifier[] }, 'not_found'>;
  [A.AccountSubjects.identifiersRemove]: Contract<A.IdentifierRef, A.AccountView, A.IdentifiersRemoveError>;
  [A.AccountSubjects.identifiersPrimary]: Contract<A.IdentifierRef, A.AccountView, A.IdentifiersPrimaryError>;
  [A.AccountSubjects.photoPut]: Contract<A.PhotoPutRequest, { stored: boolean }, A.PhotoPutError>;
  [A.AccountSubjects.photoGet]: Contract<A.PhotoGetRequest, A.PhotoPart, A.PhotoGetError>;
  [A.AccountSubjects.photoDelete]: Contract<A.AccountRef, A.AccountView, 'not_found'>;
  [A.AccountSubjects.recoveryStart]: Contract<A.RecoveryStartRequest, A.OtpChallenge, A.RecoveryStartError, A.OtpSendDetails>;
  [A.AccountSubjects.recoveryFinish]: Contract<A.RecoveryFinishRequest, { sub: string }, A.RecoveryFinishError, A.OtpVerifyDetails>;
  [A.AccountSubjects.auditRecord]: Contract<A.AuditRecordRequest, { recorded: boolean }>;
  [A.AccountSubjects.auditList]: Contract<A.AuditListRequest, A.AuditEntry[]>;
  [OrgS.create]: Contract<Org.OrgCreateRequest, Org.Organisation, Org.OrgError | 'user_not_found'>;
  [OrgS.list]: Contract<Record<string, never>, Org.Organisation[]>;
  [OrgS.get]: Contract<Org.OrgIdRequest, Org.OrganisationDetails, Org.OrgError>;
  [OrgS.update]: Contract<Org.OrgUpdateRequest, Org.Organisation, Org.OrgError>;
  [OrgS.remove]: Contract<Org.OrgIdRequest, { id: string }, Org.OrgError>;
  [OrgS.memberSet]: Contract<Org.MemberSetRequest, Org.OrgMember, Org.MemberSetError>;
  [OrgS.memberRemove]: Contract<Org.MemberRemoveRequest, { sub: string }, Org.MemberSetError>;
  [OrgS.invite]: Contract<Org.InviteRequest, Org.OrgInvitation, Org.OrgError>;
  [OrgS.invitationsAccept]: Contract<Org.InvitationsAcceptRequest, { joined: string[] }>;
  [OrgS.domainClaim]: Contract<Org.DomainClaimRequest, Org.OrgDomain, Org.DomainClaimError>;
  [OrgS.domainVerified]: Contract<Org.DomainVerifiedRequest, Org.OrgDomain, Org.OrgError>;
  [OrgS.domainRemove]: Contract<Org.DomainClaimRequest, { domain: string }, Org.OrgError>;
  [OrgS.route]: Contract<Org.RouteRequest, Org.Route, 'not_found'>;
  [OrgS.memberships]: Contract<Org.InvitationsAcceptRequest, Org.Membership[]>;
  [OrgS.federatedSignIn]: Contract<Org.FederatedSignInRequest, Org.FederatedSignIn, Org.FederatedSignInError, Org.FederatedSignInDetails>;
  [OrgS.federatedLink]: Contract<Org.FederatedLinkRequest, Org.FederatedSignIn, Org.FederatedLinkError>;
  [OrgS.federatedUnlink]: Contract<Org.FederatedUnlinkRequest, Org.FederatedUnlinked, 'invalid_input'>;
}

export type Subject = keyof Contracts;
