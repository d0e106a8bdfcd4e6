import { ClientMetadata, GrantType, LoginMethod, TokenEndpointAuthMethod } from '@idp/domain';
import { jwksProblem, jwksUriProblem } from './client-jwks.validator';
import { partnerKeyProblem } from './partner-key';

/** The grants whose assertion a partner signs with its registered keys. */
export const PARTNER_GRANT_TYPES: GrantType[] = ['trusted', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];
export const SUPPORTED_GRANT_TYPES: GrantType[] = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  ...PARTNER_GRANT_TYPES,
  'certificate',
];
/** Canonical (sorted) forms, as OAuth 2.0 Multiple Response Types writes them. */
export const SUPPORTED_RESPONSE_TYPES = ['code', 'id_token', 'code id_token', 'code token', 'code id_token token', 'id_token token', 'none'];

/** A response type as stored and compared: its words sorted. */
export const normaliseResponseType = (value: string) => value.split(' ').filter(Boolean).sort().join(' ');
export const SUPPORTED_AUTH_METHODS: TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
/** The metadata naming the auth method of each back-channel endpoint; the latter two default to the first. */
export const AUTH_METHOD_FIELDS = ['token_endpoint_auth_method', 'introspection_endpoint_auth_method', 'revocation_endpoint_auth_method'] as const;
export const LOGIN_METHODS: LoginMethod[] = ['password', 'phone_otp', 'email_otp', 'certificate', 'federated'];

export type FieldErrors = Record<string, string>;

export interface ValidationResult {
  metadata: ClientMetadata;
  errors: FieldErrors;
}

const DEFAULTS: ClientMetadata = {
  client_name: '',
  redirect_uris: [],
  post_logout_redirect_uris: [],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid',
  application_type: 'web',
  subject_type: 'public',
  id_token_signed_response_alg: 'RS256',
  allowed_login_methods: ['password'],
  require_2fa: false,
  first_party: false,
};

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
/** Schemes no redirect may ever use: they run code or read local files instead of reaching an app. */
const FORBIDDEN_SCHEMES = /^(javascript|data|vbscript|file|blob|about):$/i;

function redirectUriProblem(uri: string, applicationType: string, selfService = false): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash || uri.includes('#')) return 'must not contain a fragment';
  if (FORBIDDEN_SCHEMES.test(url.protocol)) return 'scheme not allowed';
  if (applicationType === 'web' && url.protocol !== 'https:' && url.protocol !== 'http:') return 'web clients must use http(s)';
  // Administrators may register plain http on any host (intranet apps they vouch for); a client
  // registering itself gets https, http only on a loopback address (RFC 8252 7.3), and, when
  // native, a private-use scheme (RFC 8252 7.1).
  if (selfService && url.protocol === 'http:' && !LOOPBACK.includes(url.hostname)) return 'must use https (http only on a loopback address)';
  return null;
}

export interface ValidationOptions {
  /** Dynamic registration (RFC 7591): the stricter redirect URI rules of a client vouching for itself. */
  selfService?: boolean;
}

/**
 * Validates client metadata by the RFC 7591 / OpenID Connect Registration rules and fills the
 * defaults. `base` is the stored metadata for a partial update (PATCH).
 */
export function validateClientMetadata(input: Record<string, unknown>, base?: ClientMetadata, options: ValidationOptions = {}): ValidationResult {
  const errors: FieldErrors = {};
  const m: ClientMetadata = { ...(base ?? DEFAULTS) };
  const has = (k: string) => input[k] !== undefined;

  if (has('client_name')) {
    if (typeof input.client_name !== 'string' || !input.client_name.trim() || input.client_name.length > 200) {
      errors.client_name = 'must be a non-empty string of at most 200 characters';
    } else m.client_name = input.client_name.trim();
  } else if (!base) errors.client_name = 'is required';

  if (has('application_type')) {
    if (input.application_type !== 'web' && input.application_type !== 'native') errors.application_type = 'must be web or native';
    else m.application_type = input.application_type;
  }

  for (const field of AUTH_METHOD_FIELDS) {
    if (!has(field)) continue;
    if (!SUPPORTED_AUTH_METHODS.includes(input[field] as TokenEndpointAuthMethod)) {
      errors[field] = `must be one of ${SUPPORTED_AUTH_METHODS.join(', ')}`;
    } else m[field] = input[field] as TokenEndpointAuthMethod;
  }
  if (!has('token_endpoint_auth_method') && !base && m.application_type === 'native') {
    m.token_endpoint_auth_method = 'none';
  }

  // Keys come one way or the other: giving one replaces the other (RFC 7591 2 forbids both).
  if (has('jwks') && has('jwks_uri')) errors.jwks_uri = 'give jwks or jwks_uri, not both';
  else if (has('jwks')) {
    const problem = jwksProblem(input.jwks);
    if (problem) errors.jwks = problem;
    else {
      m.jwks = input.jwks as ClientMetadata['jwks'];
      delete m.jwks_uri;
    }
  } else if (has('jwks_uri')) {
    const problem = jwksUriProblem(input.jwks_uri);
    if (problem) errors.jwks_uri = problem;
    else {
      m.jwks_uri = input.jwks_uri as string;
      delete m.jwks;
    }
  }

  if (has('grant_types')) {
    if (!isStringArray(input.grant_types) || !input.grant_types.length) errors.grant_types = 'must be a non-empty array';
    else {
      const bad = input.grant_types.filter((g) => !SUPPORTED_GRANT_TYPES.includes(g as GrantType));
      if (bad.length) errors.grant_types = `unsupported: ${bad.join(', ')}`;
      else m.grant_types = [...new Set(input.grant_types)] as GrantType[];
    }
  }

  if (has('response_types')) {
    if (!isStringArray(input.response_types)) errors.response_types = 'must be an array';
    else {
      const normalised = input.response_types.map(normaliseResponseType);
      const bad = normalised.filter((r) => !SUPPORTED_RESPONSE_TYPES.includes(r));
      if (bad.length) errors.response_types = `unsupported: ${bad.join(', ')}`;
      else m.response_types = [...new Set(normalised)];
    }
  }

  for (const field of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
    if (!has(field)) continue;
    const value = input[field];
    if (!isStringArray(value)) {
      errors[field] = 'must be an array of URIs';
      continue;
    }
    const problems = value.map((u) => redirectUriProblem(u, m.application_type, options.selfService)).filter(Boolean);
    if (problems.length) errors[field] = `each URI ${problems[0]}`;
    else m[field] = [...new Set(value)];
  }

  if (has('scope')) {
    const tokens = typeof input.scope === 'string' ? input.scope.split(' ').filter(Boolean) : null;
    if (!tokens || !tokens.every((s) => SCOPE_TOKEN.test(s))) errors.scope = 'must be a space-separated list of scope tokens';
    else m.scope = [...new Set(tokens)].join(' ');
  }

  if (has('subject_type')) {
    if (input.subject_type !== 'public' && input.subject_type !== 'pairwise') errors.subject_type = 'must be public or pairwise';
    else m.subject_type = input.subject_type;
  }
  if (has('sector_identifier_uri')) {
    const v = input.sector_identifier_uri;
    if (typeof v !== 'string' || !v.startsWith('https://') || redirectUriProblem(v, 'web')) errors.sector_identifier_uri = 'must be an https URI';
    else m.sector_identifier_uri = v;
  }
  if (has('userinfo_signed_response_alg')) {
    if (input.userinfo_signed_response_alg !== 'RS256') errors.userinfo_signed_response_alg = 'only RS256 is supported';
    else m.userinfo_signed_response_alg = 'RS256';
  }
  if (has('backchannel_logout_uri')) {
    const v = input.backchannel_logout_uri;
    if (typeof v !== 'string' || redirectUriProblem(v, 'web') || !/^https?:/.test(v)) errors.backchannel_logout_uri = 'must be an absolute http(s) URI without a fragment';
    else m.backchannel_logout_uri = v;
  }
  if (has('backchannel_logout_session_required')) {
    if (typeof input.backchannel_logout_session_required !== 'boolean') errors.backchannel_logout_session_required = 'must be true or false';
    else m.backchannel_logout_session_required = input.backchannel_logout_session_required;
  }
  if (has('id_token_signed_response_alg') && input.id_token_signed_response_alg !== 'RS256') {
    errors.id_token_signed_response_alg = 'only RS256 is supported';
  }

  for (const field of ['logo_uri', 'client_uri', 'policy_uri', 'tos_uri'] as const) {
    if (!has(field)) continue;
    const v = input[field];
    if (typeof v !== 'string' || redirectUriProblem(v, 'web')) errors[field] = 'must be an absolute http(s) URI';
    else m[field] = v;
  }
  if (has('contacts')) {
    if (!isStringArray(input.contacts)) errors.contacts = 'must be an array of strings';
    else m.contacts = input.contacts;
  }

  for (const field of ['access_token_ttl', 'refresh_token_ttl', 'id_token_ttl'] as const) {
    if (!has(field)) continue;
    const v = input[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 60 || v > 400 * 24 * 3600) errors[field] = 'must be an integer number of seconds, 60 or more';
    else m[field] = v;
  }

  for (const [field, min, max] of [['device_code_ttl', 60, 3600], ['device_poll_interval', 1, 60]] as const) {
    if (!has(field)) continue;
    const v = input[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) errors[field] = `must be an integer from ${min} to ${max} seconds`;
    else m[field] = v;
  }

  if (has('allowed_login_methods')) {
    const v = input.allowed_login_methods;
    if (!isStringArray(v) || !v.length || v.some((x) => !LOGIN_METHODS.includes(x as LoginMethod))) {
      errors.allowed_login_methods = `must be a non-empty array of ${LOGIN_METHODS.join(', ')}`;
    } else m.allowed_login_methods = [...new Set(v)] as LoginMethod[];
  }
  for (const field of ['require_2fa', 'first_party'] as const) {
    if (!has(field)) continue;
    if (typeof input[field] !== 'boolean') errors[field] = 'must be true or false';
    else m[field] = input[field] as boolean;
  }

  for (const field of ['trusted_phone_enabled', 'iin_signature_required'] as const) {
    if (!has(field)) continue;
    if (typeof input[field] !== 'boolean') errors[field] = 'must be true or false';
    else m[field] = input[field] as boolean;
  }
  if (has('partner_public_key')) {
    const v = input.partner_public_key;
    if (v === null) delete m.partner_public_key;
    else {
      const problem = partnerKeyProblem(v);
      if (problem) errors.partner_public_key = problem;
      else m.partner_public_key = v as ClientMetadata['partner_public_key'];
    }
  }
  if (m.iin_signature_required && !m.partner_public_key && !errors.partner_public_key) {
    errors.partner_public_key = 'is required when iin_signature_required is true';
  }

  if (has('allowed_organizations')) {
    const v = input.allowed_organizations;
    if (v === null || (Array.isArray(v) && !v.length)) delete m.allowed_organizations;
    else if (!isStringArray(v) || v.some((x) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(x))) errors.allowed_organizations = 'must be an array of organization ids';
    else m.allowed_organizations = [...new Set(v)];
  }
  if (has('admins_only')) {
    if (typeof input.admins_only !== 'boolean') errors.admins_only = 'must be true or false';
    else m.admins_only = input.admins_only;
  }

  // Cross-field rules (RFC 7591 2.1, OpenID Registration 2).
  if (!errors.grant_types && !errors.response_types) {
    const code = m.grant_types.includes('authorization_code');
    const implicit = m.grant_types.includes('implicit');
    if (!has('response_types') && !code && m.response_types.includes('code')) m.response_types = [];
    const usesCode = m.response_types.some((r) => r.split(' ').includes('code'));
    const usesImplicit = m.response_types.some((r) => /\b(id_token|token)\b/.test(r));
    if (usesCode && !code) errors.grant_types = 'must include authorization_code when a response type has code';
    if (usesImplicit && !implicit) errors.grant_types = 'must include implicit when a response type has id_token or token';
    if ((code || implicit) && !m.redirect_uris.length && !errors.redirect_uris) errors.redirect_uris = 'at least one is required for authorization_code and implicit';
    if (m.grant_types.includes('client_credentials') && m.token_endpoint_auth_method === 'none') {
      errors.token_endpoint_auth_method = 'a public client cannot use client_credentials';
    }
  }
  const keyless = AUTH_METHOD_FIELDS.find((f) => m[f] === 'private_key_jwt') && !m.jwks && !m.jwks_uri;
  if (keyless && !errors.jwks && !errors.jwks_uri) errors.jwks = 'jwks or jwks_uri is required for private_key_jwt';
  const partnerGrant = !errors.grant_types && m.grant_types.find((g) => PARTNER_GRANT_TYPES.includes(g));
  if (partnerGrant) {
    // The partner's signature is what vouches for the user, so only a client that proves itself may send one.
    if (m.token_endpoint_auth_method === 'none') errors.token_endpoint_auth_method = `a public client cannot use ${partnerGrant}`;
    if (!m.jwks && !m.jwks_uri && !errors.jwks && !errors.jwks_uri) errors.jwks = `jwks or jwks_uri is required for ${partnerGrant}`;
  }
  return { metadata: m, errors };
}
