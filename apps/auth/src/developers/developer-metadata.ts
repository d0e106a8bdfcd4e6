import { ClientMetadata } from '@idp/domain';
import { SELF_SERVICE_FIELDS, registrationError, validateSelfService } from '../registration/registration-metadata';
import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { PARTNER_USER_SCOPES, USER_SCOPES } from '../oidc/resources.service';
import { DevelopersError } from './developers-errors';

/** Grants only an approved capability request turns on. */
export const CAPABILITY_GRANTS = ['password', 'trusted', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];

/** The lifetimes an integrator may choose, with the longest of each (seconds). */
export const LIFETIME_LIMITS = { access_token_ttl: 24 * 3600, id_token_ttl: 24 * 3600, refresh_token_ttl: 90 * 24 * 3600 } as const;
type Lifetime = keyof typeof LIFETIME_LIMITS;

/**
 * The user scopes a self-registered client may ask for, as at /connect/register without a scoped
 * initial access token; the scopes of registered APIs come on top (for client_credentials).
 */
export const DEVELOPER_SCOPE = USER_SCOPES.filter((s) => !PARTNER_USER_SCOPES.includes(s) && !['account', 'picture', 'photo', 'organization'].includes(s));

/** Algorithms an integrator's uploaded key may name. */
const KEY_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256'];

const fail = (errors: Record<string, string>) => {
  const err = registrationError(errors);
  return new DevelopersError(400, err.error, err.description);
};

/** The client's own fields as the cabinet edits them (what a PATCH starts from). */
export function editableFields(m: ClientMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of [...SELF_SERVICE_FIELDS, ...(Object.keys(LIFETIME_LIMITS) as Lifetime[])]) {
    const v = (m as unknown as Record<string, unknown>)[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/**
 * Validates what an integrator sends with the very code dynamic registration uses, then the token
 * lifetimes (within our limits). Grants an administrator already approved stay on; asking for one
 * that was not approved is refused like at /connect/register.
 */
export function validateDeveloperMetadata(input: Record<string, unknown>, stored?: ClientMetadata, apiScopes: string[] = []): ClientMetadata {
  const approved = (stored?.grant_types ?? []).filter((g) => CAPABILITY_GRANTS.includes(g));
  const own = { ...input };
  if (Array.isArray(own.grant_types)) own.grant_types = own.grant_types.filter((g) => !approved.includes(g));
  const { metadata, errors } = validateSelfService(own, stored);
  if (own.jwks !== undefined && !errors.jwks) {
    const bad = ((own.jwks as { keys: Array<Record<string, unknown>> }).keys ?? []).find((k) => k.alg !== undefined && !KEY_ALGS.includes(String(k.alg)));
    if (bad) errors.jwks = `alg must be one of ${KEY_ALGS.join(', ')}`;
  }
  const beyond = metadata.scope.split(' ').filter((s) => s && !DEVELOPER_SCOPE.includes(s) && !apiScopes.includes(s));
  if (beyond.length && !errors.scope) errors.scope = `${beyond.join(' ')} is not allowed; ask for ${DEVELOPER_SCOPE.join(' ')} or the scopes of a registered API`;
  for (const field of Object.keys(LIFETIME_LIMITS) as Lifetime[]) {
    const v = input[field];
    if (v === undefined || v === null || v === '') {
      delete metadata[field];
      continue;
    }
    const checked = validateClientMetadata({ [field]: v });
    if (checked.errors[field]) errors[field] = checked.errors[field];
    else if ((v as number) > LIFETIME_LIMITS[field]) errors[field] = `must be at most ${LIFETIME_LIMITS[field]} seconds`;
    else metadata[field] = v as number;
  }
  if (Object.keys(errors).length) throw fail(errors);
  if (approved.length) metadata.grant_types = [...new Set([...metadata.grant_types, ...approved])] as ClientMetadata['grant_types'];
  return metadata;
}

export { fail as metadataError };
