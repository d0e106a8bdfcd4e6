import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseModule } from '@idp/database';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { Outbound } from '@idp/outbound';
import {
  ApiResourceEntity,
  AuthorizationCodeEntity,
  ClientEntity,
  GrantEntity,
  InteractionEntity,
  RefreshTokenEntity,
  SigningKeyEntity,
  SsoSessionEntity,
} from '@idp/domain';
import { AdminClientsController } from './admin/admin-clients.controller';
import { AdminInitialAccessTokensController } from './admin/admin-initial-access-tokens.controller';
import { AdminKeysController } from './admin/admin-keys.controller';
import { AdminResourcesController } from './admin/admin-resources.controller';
import { AdminUsersController } from './admin/admin-users.controller';
import { AdminUserConsentsController } from './admin/admin-user-consents.controller';
import { DemoController } from './demo/demo.controller';
import { DemoSetupService } from './demo/demo-setup.service';
import { DevOutboxController } from './dev/dev-outbox.controller';
import { InteractionFlow } from './interaction/interaction-flow.service';
import { InteractionController } from './interaction/interaction.controller';
import { InteractionsService } from './interaction/interactions.service';
import { OtpLoginController } from './interaction/otp-login.controller';
import { SecondFactorController } from './interaction/second-factor.controller';
import { SecondFactorGate } from './second-factor/second-factor.gate';
import { TwoFactorAccountController } from './account/two-factor.controller';
import { TwoFactorApiController } from './account/two-factor-api.controller';
import { AuthInit1763880000000 } from './migrations/1763880000000-auth-init';
import { DeviceCodes1763890000000 } from './migrations/1763890000000-device-codes';
import { OtpLogin1763905000000 } from './migrations/1763905000000-otp-login';
import { FrontChannel1763906000000 } from './migrations/1763906000000-front-channel';
import { DeviceAuthorizationController } from './device/device-authorization.controller';
import { DeviceCodesService } from './device/device-codes.service';
import { DeviceController } from './device/device.controller';
import { DeviceCodeGrant } from './oidc/token/grants/device-code.grant';
import { PasswordGrant } from './oidc/token/grants/password.grant';
import { BackupCodeFactorGrant, SmsFactorGrant, TotpFactorGrant } from './oidc/token/grants/second-factor.grants';
import { PartialFactorTokensService } from './oidc/token/second-factor/partial-factor-tokens.service';
import { FirstFactorPassedService } from './oidc/token/second-factor/first-factor-passed.service';
import { BackchannelLogoutService } from './logout/backchannel-logout.service';
import { EndSessionController } from './logout/end-session.controller';
import { ClientAssertions1763900000000 } from './migrations/1763900000000-client-assertions';
import { IntrospectionRevocation1763910000000 } from './migrations/1763910000000-introspection-revocation';
import { PartnerGrants1763930000000 } from './migrations/1763930000000-partner-grants';
import { ResourceIndicators1763931000000 } from './migrations/1763931000000-resource-indicators';
import { KeyRotation1763920000000 } from './migrations/1763920000000-key-rotation';
import { Registration1763921000000 } from './migrations/1763921000000-registration';
import { PartnerHints1764400000000 } from './migrations/1764400000000-partner-hints';
import { SecondFactor1764100000000 } from './migrations/1764100000000-second-factor';
import { AuthorizationService } from './oidc/authorize/authorization.service';
import { AuthorizationResponseService } from './oidc/authorize/authorization-response.service';
import { AuthorizeChecks } from './oidc/authorize/authorize-checks';
import { AuthorizeController } from './oidc/authorize/authorize.controller';
import { AssertionReplayStore } from './oidc/clients/assertion-replay.store';
import { ClientAssertionVerifier } from './oidc/clients/client-assertion.verifier';
import { ClientJwksService } from './oidc/clients/client-jwks.service';
import { ClientsService } from './oidc/clients/clients.service';
import { DiscoveryController } from './oidc/discovery.controller';
import { IntrospectionController } from './oidc/introspection/introspection.controller';
import { SigningKeysService } from './oidc/keys/signing-keys.service';
import { ResourceSigningAlg1765200000000 } from './migrations/1765200000000-resource-signing-alg';
import { ResourcesService } from './oidc/resources.service';
import { RevocationController } from './oidc/revocation/revocation.controller';
import { cacheInvalidationProvider } from './cache/cache-invalidation';
import { GRANT_HANDLERS } from './oidc/token/grant-handler';
import { AuthorizationCodeGrant } from './oidc/token/grants/authorization-code.grant';
import { ClientCredentialsGrant } from './oidc/token/grants/client-credentials.grant';
import { JwtBearerGrant } from './oidc/token/grants/jwt-bearer.grant';
import { RefreshTokenGrant } from './oidc/token/grants/refresh-token.grant';
import { TrustedGrant } from './oidc/token/grants/trusted.grant';
import { GrantAssertionVerifier } from './oidc/token/partner/grant-assertion.verifier';
import { PartnerTokenService } from './oidc/token/partner/partner-token.service';
import { TokenSetService } from './oidc/token/token-set.service';
import { TokenController } from './oidc/token/token.controller';
import { GrantsService } from './oidc/tokens/grants.service';
import { RevocationsService } from './oidc/tokens/revocations.service';
import { TokenLookupService } from './oidc/tokens/token-lookup.service';
import { TokenIssuerService } from './oidc/tokens/token-issuer.service';
import { UserinfoController } from './oidc/userinfo.controller';
import { UserClaimsCache } from './oidc/user-claims.cache';
import { AssetsController } from './ops/assets.controller';
import { HealthController } from './ops/health.controller';
import { MetricsController } from './ops/metrics.controller';
import { MetricsService } from './ops/metrics.service';
import { ExternalAccountsController } from './partner/external-accounts.controller';
import { ExternalAccountsService } from './partner/external-accounts.service';
import { InitialAccessTokensService } from './registration/initial-access-tokens.service';
import { RegistrationController } from './registration/registration.controller';
import { RegistrationTokensService } from './registration/registration-tokens.service';
import { SessionsService } from './sessions/sessions.service';
import { ConsentUsageService } from './consent/consent-usage.service';
import { IinStep } from './interaction/iin-step.service';
import { IinStepController } from './interaction/iin-step.controller';
import { PartnerEntry } from './interaction/partner-entry.service';
import { TrustedPhoneController } from './partner/trusted-phone.controller';
import { AccountCertificatesController } from './account/account-certificates.controller';
import { AdminTrustController } from './certificate/admin-trust.controller';
import { AdminUserCertificatesController } from './certificate/admin-user-certificates.controller';
import { CertificateAuthenticationController } from './certificate/certificate-authentication.controller';
import { CertificateChallengesService } from './certificate/certificate-challenges.service';
import { CertificateLoginController } from './certificate/certificate-login.controller';
import { CertificateLoginService } from './certificate/certificate-login.service';
import { CertificateGrant } from './certificate/certificate.grant';
import { TrustStoreService } from './certificate/trust-store.service';
import { CertificateLogin1764300000000 } from './migrations/1764300000000-certificate-login';
import { rateLimitProviders } from './rate-limit/rate-limit.providers';
import { AdminAudit1764500000000 } from './migrations/1764500000000-admin-audit';
import { AdminAuditController } from './admin-audit/admin-audit.controller';
import { AdminAuditService } from './admin-audit/admin-audit.service';
import { Cabinet1764200000000 } from './migrations/1764200000000-cabinet';
import { ACCOUNT_CONTROLLERS, ACCOUNT_PROVIDERS } from './account';
import { UpstreamProviders1764800000000 } from './migrations/1764800000000-upstream-providers';
import { SavedLocale1765100000000 } from './migrations/1765100000000-saved-locale';
import { FederatedLinkCodes1765600000000 } from './migrations/1765600000000-federated-link-codes';
import { FederatedLinkCodeController } from './organizations/federated-link-code.controller';
import { AdminOrganizationsController } from './organizations/admin-organizations.controller';
import { FederatedLoginController } from './organizations/federated-login.controller';
import { DomainVerifier } from './organizations/domain-verifier';
import { TxtResolver } from './organizations/txt-resolver';
import { UpstreamProvidersService } from './organizations/upstream-providers.service';
import { OrganizationAccess } from './organizations/organization-access';
import { FederatedSessions } from './organizations/federated-sessions';
import { HomeRealm } from './organizations/home-realm';
import { LinkProof } from './organizations/link-proof';
import { AccountOrganizationsController } from './organizations/account-organizations.controller';
import { OrganizationSelfService } from './organizations/organization-self-service';
import { AccountOrganizationsPagesController } from './organizations/account-organizations-pages.controller';
import { UpstreamLoggedOutController, UpstreamLogout } from './organizations/upstream-logout';
import { Developers1765000000000 } from './migrations/1765000000000-developers';
import { DEVELOPER_CONTROLLERS, DEVELOPER_PROVIDERS } from './developers';

/** Requests to client-chosen URLs go through one guard (no private addresses, no redirects, limits). */
const outbound: Provider = {
  provide: Outbound,
  useFactory: (config: AppConfig) => new Outbound({ allowPrivate: config.outboundAllowPrivate, timeoutMs: 5000 }),
  inject: [APP_CONFIG],
};

const grantHandlers = [AuthorizationCodeGrant, RefreshTokenGrant, ClientCredentialsGrant, DeviceCodeGrant, PasswordGrant, TrustedGrant, JwtBearerGrant, CertificateGrant, TotpFactorGrant, SmsFactorGrant, BackupCodeFactorGrant];

/** Every grant type the token endpoint serves, registered in one place. */
const grantRegistry: Provider = {
  provide: GRANT_HANDLERS,
  useFactory: (...handlers: unknown[]) => handlers,
  inject: grantHandlers,
};

/** The public HTTP edge: protocol endpoints, interaction pages, admin API, operations. */
@Module({})
export class AuthModule {
  static register(options: { demo: boolean; devOutbox: boolean }): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        TerminusModule,
        DatabaseModule.forApp({
          schema: 'auth',
          entities: [ClientEntity, ApiResourceEntity, SigningKeyEntity, SsoSessionEntity, InteractionEntity, GrantEntity, AuthorizationCodeEntity, RefreshTokenEntity],
          migrations: [AuthInit1763880000000, DeviceCodes1763890000000, ClientAssertions1763900000000, OtpLogin1763905000000, FrontChannel1763906000000, IntrospectionRevocation1763910000000, KeyRotation1763920000000, Registration1763921000000, PartnerGrants1763930000000, ResourceIndicators1763931000000, SecondFactor1764100000000, Cabinet1764200000000, CertificateLogin1764300000000, PartnerHints1764400000000, AdminAudit1764500000000, UpstreamProviders1764800000000, Developers1765000000000, SavedLocale1765100000000, ResourceSigningAlg1765200000000, FederatedLinkCodes1765600000000],
        }),
      ],
      controllers: [
        DiscoveryController,
        AuthorizeController,
        TokenController,
        UserinfoController,
        IntrospectionController,
        RevocationController,
        RegistrationController,
        InteractionController,
        OtpLoginController,
        SecondFactorController,
        TwoFactorAccountController,
        TwoFactorApiController,
        DeviceAuthorizationController,
        DeviceController,
        EndSessionController,
        AdminClientsController,
        AdminUsersController,
        AdminUserConsentsController,
        AdminResourcesController,
        ExternalAccountsController,
        AdminInitialAccessTokensController,
        AdminKeysController,
        HealthController,
        MetricsController,
        AssetsController,
        IinStepController,
        TrustedPhoneController,
        CertificateAuthenticationController,
        CertificateLoginController,
        AdminTrustController,
        AdminUserCertificatesController,
        AccountCertificatesController,
        AdminAuditController,
        AdminOrganizationsController,
        FederatedLoginController,
        FederatedLinkCodeController,
        AccountOrganizationsController,
        AccountOrganizationsPagesController,
        UpstreamLoggedOutController,
        ...(options.demo ? [DemoController] : []),
        ...(options.devOutbox ? [DevOutboxController] : []),
        ...ACCOUNT_CONTROLLERS,
        ...DEVELOPER_CONTROLLERS,
      ],
      providers: [
        ClientsService,
        ClientAssertionVerifier,
        ClientJwksService,
        AssertionReplayStore,
        ResourcesService,
        SigningKeysService,
        TokenIssuerService,
        GrantsService,
        RevocationsService,
        UserClaimsCache,
        TokenLookupService,
        TokenSetService,
        SessionsService,
        InteractionsService,
        InteractionFlow,
        AuthorizeChecks,
        AuthorizationService,
        AuthorizationResponseService,
        DeviceCodesService,
        BackchannelLogoutService,
        MetricsService,
        ExternalAccountsService,
        GrantAssertionVerifier,
        PartnerTokenService,
        InitialAccessTokensService,
        RegistrationTokensService,
        ...grantHandlers,
        grantRegistry,
        outbound,
        DemoSetupService,
        ConsentUsageService,
        IinStep,
        PartnerEntry,
        TrustStoreService,
        CertificateChallengesService,
        CertificateLoginService,
        SecondFactorGate,
        PartialFactorTokensService,
        ...rateLimitProviders,
        AdminAuditService,
        cacheInvalidationProvider,
        ...ACCOUNT_PROVIDERS,
        FirstFactorPassedService,
        TxtResolver,
        DomainVerifier,
        UpstreamProvidersService,
        OrganizationAccess,
        FederatedSessions,
        HomeRealm,
        LinkProof,
        OrganizationSelfService,
        UpstreamLogout,
        ...DEVELOPER_PROVIDERS,
      ],
      exports: [DemoSetupService, SigningKeysService, MetricsService],
    };
  }
}
