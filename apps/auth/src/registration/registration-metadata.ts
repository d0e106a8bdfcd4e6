import { ClientMetadata } from '@idp/domain';
import { FieldErrors, ValidationResult, validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { ClientMetadataDto } from '../admin/dto/client-metadata.dto';
import { dtoProblems } from '../admin/dto/dto-problems';
import { InvalidClientMetadata, InvalidRedirectUri, OAuthError } from '../oidc/errors/oauth.errors';

/**
 * The metadata a client may set about itself: RFC 7591 2, OpenID Connect Registration 2, and the
 * per-endpoint auth methods and back-channel logout names. Everything else is ignored, as RFC 7591
 * 2 asks for unknown names; that includes our extensions (first_party, require_2fa,
 * allowed_login_methods, the lifetimes, and whatever the admin API adds later), which only an
 * administrator sets, so a client cannot skip consent or stretch its tokens by asking.
 */
export const SELF_SERVICE_FIELDS = [
  'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types',
  'token_endpoint_auth_method', 'introspection_endpoint_auth_method', 'revocation_endpoint_auth_method',
  'jwks', 'jwks_uri', 'scope', 'application_type', 'subject_type', 'sector_identifier_uri',
  'userinfo_signed_response_alg', 'id_token_signed_response_alg', 'backchannel_logout_uri',
  'backchannel_logout_session_required', 'logo_uri', 'client_uri', 'policy_uri', 'tos_uri', 'contacts',
] as const;

const isSelfService = (name: string) => (SELF_SERVICE_FIELDS as readonly string[]).includes(name);

/**
 * Validates what a client sends about itself, from the defaults (registration, and the full
 * replacement of RFC 7592 2.2), keeping the administrator's settings of `stored` untouched.
 */
/** Grants an administrator must grant: the legacy password grant and the partner grants. */
const ADMIN_ONLY_GRANTS = ['password', 'trusted', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];

export function validateSelfService(input: Record<string, unknown>, stored?: ClientMetadata): ValidationResult {
  const own = Object.fromEntries(Object.entries(input).filter(([k]) => isSelfService(k)));
  const result = validateClientMetadata(own, undefined, { selfService: true });
  // Each field on its own by the DTO class the API document shows, then the rules between fields.
  result.errors = { ...result.errors, ...dtoProblems(ClientMetadataDto, own) };
  const grants = Array.isArray(own.grant_types) ? own.grant_types.filter((g) => ADMIN_ONLY_GRANTS.includes(String(g))) : [];
  if (grants.length) result.errors.grant_types = `not available to self-registered clients: ${grants.join(', ')}`;
  if (stored) {
    const m = result.metadata as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(stored)) if (!isSelfService(k) && k !== 'sector') m[k] = v;
  }
  return result;
}

/**
 * RFC 7591 3.2.2: a bad redirect URI is invalid_redirect_uri, anything else invalid_client_metadata;
 * the description names each field and its problem.
 */
export function registrationError(errors: FieldErrors): OAuthError {
  const describe = (fields: string[]) => fields.map((f) => `${f} ${errors[f]}`).join('; ');
  if (errors.redirect_uris) return new InvalidRedirectUri(describe(['redirect_uris']));
  return new InvalidClientMetadata(describe(Object.keys(errors)));
}
