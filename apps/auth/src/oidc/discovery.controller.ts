import { LOCALES } from '../interaction/i18n';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { ASSERTION_ALGORITHMS } from './clients/client-assertion.verifier';
import { SUPPORTED_AUTH_METHODS, SUPPORTED_GRANT_TYPES, SUPPORTED_RESPONSE_TYPES } from './clients/client-metadata.validator';
import { ENDPOINT_PATHS } from './clients/endpoint-auth';
import { SigningKeysService } from './keys/signing-keys.service';
import { RESPONSE_MODES } from './response-modes/response-mode';
import { USER_SCOPES } from './resources.service';
import { FACTOR_GRANT_TYPES } from './token/second-factor/factor-grant-types';

const ASSERTION_SIGNING_ALGS = [...ASSERTION_ALGORITHMS.client_secret_jwt, ...ASSERTION_ALGORITHMS.private_key_jwt];

/** OpenID Connect Discovery 1.0: advertises exactly what is implemented, nothing more. */
@Controller()
export class DiscoveryController {
  /** The document never changes while the process runs: built and serialized once. */
  private document?: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {}

  @Get('.well-known/openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/json; charset=utf-8')
  configuration(): string {
    return (this.document ??= JSON.stringify(this.build()));
  }

  private build(): Record<string, unknown> {
    const iss = this.config.issuer;
    return {
      issuer: iss,
      authorization_endpoint: `${iss}/connect/authorize`,
      token_endpoint: `${iss}/connect/token`,
      userinfo_endpoint: `${iss}/connect/userinfo`,
      device_authorization_endpoint: `${iss}/connect/deviceauthorization`,
      end_session_endpoint: `${iss}/connect/endsession`,
      introspection_endpoint: `${iss}${ENDPOINT_PATHS.introspection}`,
      revocation_endpoint: `${iss}${ENDPOINT_PATHS.revocation}`,
      registration_endpoint: `${iss}/connect/register`,
      jwks_uri: `${iss}/.well-known/openid-configuration/jwks`,
      scopes_supported: USER_SCOPES,
      response_types_supported: SUPPORTED_RESPONSE_TYPES,
      response_modes_supported: Object.keys(RESPONSE_MODES),
      grant_types_supported: [...SUPPORTED_GRANT_TYPES, ...Object.values(FACTOR_GRANT_TYPES)],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: SUPPORTED_AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
      introspection_endpoint_auth_methods_supported: SUPPORTED_AUTH_METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
      revocation_endpoint_auth_methods_supported: SUPPORTED_AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
      code_challenge_methods_supported: ['S256'],
      claims_supported: [
        'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid', 'amr',
        'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'login',
        'birthdate', 'picture', 'updated_at', 'password_updated_at', 'password_change_required', 'deleted', 'custom_fields',
        'email', 'email_verified', 'email_public', 'phone_number', 'phone_number_verified', 'publicExternalAccounts', 'amr', 'acr',
        'iin', 'bin',
        'org_id', 'org_name', 'org_roles', 'organizations', 'idp',
      ],
      claim_types_supported: ['normal'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      frontchannel_logout_supported: false,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      display_values_supported: ['page', 'popup', 'touch', 'wap'],
      userinfo_signing_alg_values_supported: ['RS256'],
      ui_locales_supported: LOCALES,
    };
  }

  @Get('.well-known/openid-configuration/jwks')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  async jwks() {
    return (await this.keys.keyRing()).jwks();
  }
}
