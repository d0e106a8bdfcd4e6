import type { JWK } from 'jose';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** A client's public keys (RFC 7517 JWK Set), for private_key_jwt. */
export interface ClientJwks {
  keys: JWK[];
}
export type GrantType =
  | 'authorization_code'
  | 'implicit'
  | 'refresh_token'
  | 'client_credentials'
  /** The legacy resource owner password grant, for clients that enable it. */
  | 'password'
  | 'urn:ietf:params:oauth:grant-type:device_code'
  /** Kontur's partner grant: a JWT the partner signed about one of its own users, linked to an account. */
  | 'trusted'
  /** RFC 7523 2.1, the standard twin of `trusted`. */
  | 'urn:ietf:params:oauth:grant-type:jwt-bearer'
  /** Kontur's certificate login, step 2: the key of step 1's challenge, decrypted with the certificate's private key. */
  | 'certificate';
export type LoginMethod = 'password' | 'phone_otp' | 'email_otp' | 'certificate' | 'federated';

export interface ClientMetadata {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: GrantType[];
  response_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /** Unset means the token endpoint's method. */
  introspection_endpoint_auth_method?: TokenEndpointAuthMethod;
  revocation_endpoint_auth_method?: TokenEndpointAuthMethod;
  /** Exactly one of these when any endpoint uses private_key_jwt (RFC 7591 2: never both). */
  jwks?: ClientJwks;
  jwks_uri?: string;
  /** Space-separated scopes the client may request. */
  scope: string;
  application_type: 'web' | 'native';
  subject_type: 'public' | 'pairwise';
  sector_identifier_uri?: string;
  /** The pairwise sector (host), computed at registration. */
  sector?: string;
  userinfo_signed_response_alg?: 'RS256';
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  id_token_signed_response_alg: 'RS256';
  logo_uri?: string;
  client_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  contacts?: string[];
  /** Our extensions; lifetimes in seconds. */
  access_token_ttl?: number;
  refresh_token_ttl?: number;
  id_token_ttl?: number;
  device_code_ttl?: number;
  device_poll_interval?: number;
  allowed_login_methods: LoginMethod[];
  require_2fa: boolean;
  first_party: boolean;
  /** May ask POST /api/v1/trusted-phone for otp_confirmation secrets (Aitu's partner-verified phones). */
  trusted_phone_enabled?: boolean;
  /** The partner's RSA public key (PEM text or a JWK) that signs `iin_signature`. */
  partner_public_key?: string | JWK;
  /** Authorization requests must carry `iin` with a valid `iin_signature`. */
  iin_signature_required?: boolean;
  /** Only members of these organisations may sign in ("members only"). */
  allowed_organizations?: string[];
  /** Only owners and admins of an organisation (of an allowed one, when the client names them). */
  admins_only?: boolean;
}
