import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';
import { LOGIN_METHODS, SUPPORTED_AUTH_METHODS, SUPPORTED_GRANT_TYPES, SUPPORTED_RESPONSE_TYPES, normaliseResponseType } from '../../oidc/clients/client-metadata.validator';
import { jwksProblem, jwksUriProblem } from '../../oidc/clients/client-jwks.validator';
import { partnerKeyProblem } from '../../oidc/clients/partner-key';

/**
 * A field rule whose message depends on the value: `problem` answers what is wrong, or null. It
 * runs only when the field is sent (undefined means "not given"; null is a value and is judged).
 */
function Rule(name: string, problem: (value: unknown) => string | null, options: ValidationOptions & { required?: string } = {}): PropertyDecorator {
  const { required, ...validation } = options;
  const judge = (value: unknown) => (value === undefined ? (required ?? null) : problem(value));
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => judge(value) === null,
        defaultMessage: (args) => judge(args?.value) ?? 'is invalid',
      },
    },
    validation,
  );
}

const CLIENT_ID = /^[A-Za-z0-9._~-]{3,300}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

const BOOLEAN = { message: 'must be true or false' };
const AUTH_METHOD = { message: `must be one of ${SUPPORTED_AUTH_METHODS.join(', ')}` };
const TTL = { message: 'must be an integer number of seconds, 60 or more' };
const RS256 = { message: 'only RS256 is supported' };
const LOGIN = { message: `must be a non-empty array of ${LOGIN_METHODS.join(', ')}` };

const nameProblem = (v: unknown) => (typeof v !== 'string' || !v.trim() || v.length > 200 ? 'must be a non-empty string of at most 200 characters' : null);
const grantTypesProblem = (v: unknown) => {
  if (!isStrings(v) || !v.length) return 'must be a non-empty array';
  const bad = v.filter((g) => !(SUPPORTED_GRANT_TYPES as string[]).includes(g));
  return bad.length ? `unsupported: ${bad.join(', ')}` : null;
};
const responseTypesProblem = (v: unknown) => {
  if (!isStrings(v)) return 'must be an array';
  const bad = v.map(normaliseResponseType).filter((r) => !SUPPORTED_RESPONSE_TYPES.includes(r));
  return bad.length ? `unsupported: ${bad.join(', ')}` : null;
};
const scopeProblem = (v: unknown) =>
  typeof v === 'string' && v.split(' ').filter(Boolean).every((s) => SCOPE_TOKEN.test(s)) ? null : 'must be a space-separated list of scope tokens';
const organizationsProblem = (v: unknown) => (v === null || (isStrings(v) && v.every((x) => UUID.test(x))) ? null : 'must be an array of organization ids');

/**
 * RFC 7591 / OpenID Connect Registration metadata plus our extensions, as `POST/PATCH
 * /admin/clients` take them. The decorators check each field on its own, with the messages the
 * admin API answers in `fields`; validateClientMetadata then applies the rules between fields
 * (redirect URIs per application type, grants and response types together, keys for
 * private_key_jwt ...) and fills the defaults.
 */
export class ClientMetadataFieldsDto {
  @ApiProperty({ required: false, type: [String], example: ['https://app.example/callback'] })
  @IsOptional()
  @IsArray({ message: 'must be an array of URIs' })
  @IsString({ each: true, message: 'must be an array of URIs' })
  redirect_uris?: string[];

  @ApiProperty({ required: false, type: [String] })
  @IsOptional()
  @IsArray({ message: 'must be an array of URIs' })
  @IsString({ each: true, message: 'must be an array of URIs' })
  post_logout_redirect_uris?: string[];

  @ApiProperty({ required: false, type: [String], enum: SUPPORTED_GRANT_TYPES, example: ['authorization_code', 'refresh_token'] }) @Rule('grantTypes', grantTypesProblem) grant_types?: string[];
  @ApiProperty({ required: false, type: [String], example: ['code'] }) @Rule('responseTypes', responseTypesProblem) response_types?: string[];
  @ApiProperty({ required: false, enum: SUPPORTED_AUTH_METHODS }) @IsOptional() @IsIn(SUPPORTED_AUTH_METHODS, AUTH_METHOD) token_endpoint_auth_method?: string;
  @ApiProperty({ required: false, enum: SUPPORTED_AUTH_METHODS, description: 'defaults to token_endpoint_auth_method' }) @IsOptional() @IsIn(SUPPORTED_AUTH_METHODS, AUTH_METHOD) introspection_endpoint_auth_method?: string;
  @ApiProperty({ required: false, enum: SUPPORTED_AUTH_METHODS, description: 'defaults to token_endpoint_auth_method' }) @IsOptional() @IsIn(SUPPORTED_AUTH_METHODS, AUTH_METHOD) revocation_endpoint_auth_method?: string;
  @ApiProperty({ required: false, example: 'openid profile email offline_access' }) @Rule('scope', scopeProblem) scope?: string;
  @ApiProperty({ required: false, enum: ['web', 'native'] }) @IsOptional() @IsIn(['web', 'native'], { message: 'must be web or native' }) application_type?: string;
  @ApiProperty({ required: false, enum: ['public', 'pairwise'] }) @IsOptional() @IsIn(['public', 'pairwise'], { message: 'must be public or pairwise' }) subject_type?: string;
  @ApiProperty({ required: false, description: 'https; must list every redirect URI' }) @IsOptional() @IsString({ message: 'must be an https URI' }) sector_identifier_uri?: string;
  @ApiProperty({ required: false, type: Object, additionalProperties: true, description: 'a JWK set' }) @Rule('jwks', jwksProblem) jwks?: Record<string, unknown>;
  @ApiProperty({ required: false }) @Rule('jwksUri', jwksUriProblem) jwks_uri?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString({ message: 'must be an absolute http(s) URI without a fragment' }) backchannel_logout_uri?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) backchannel_logout_session_required?: boolean;
  @ApiProperty({ required: false, enum: ['RS256'] }) @IsOptional() @IsIn(['RS256'], RS256) id_token_signed_response_alg?: string;
  @ApiProperty({ required: false, enum: ['RS256'], description: 'signed UserInfo answers (application/jwt)' }) @IsOptional() @IsIn(['RS256'], RS256) userinfo_signed_response_alg?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString({ message: 'must be an absolute http(s) URI' }) logo_uri?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString({ message: 'must be an absolute http(s) URI' }) client_uri?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString({ message: 'must be an absolute http(s) URI' }) policy_uri?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString({ message: 'must be an absolute http(s) URI' }) tos_uri?: string;

  @ApiProperty({ required: false, type: [String] })
  @IsOptional()
  @IsArray({ message: 'must be an array of strings' })
  @IsString({ each: true, message: 'must be an array of strings' })
  contacts?: string[];

  @ApiProperty({ required: false, minimum: 60, description: 'seconds (admin API only, as the next ones)' }) @IsOptional() @IsInt(TTL) @Min(60, TTL) @Max(400 * 24 * 3600, TTL) access_token_ttl?: number;
  @ApiProperty({ required: false, minimum: 60 }) @IsOptional() @IsInt(TTL) @Min(60, TTL) @Max(400 * 24 * 3600, TTL) refresh_token_ttl?: number;
  @ApiProperty({ required: false, minimum: 60 }) @IsOptional() @IsInt(TTL) @Min(60, TTL) @Max(400 * 24 * 3600, TTL) id_token_ttl?: number;

  @ApiProperty({ required: false, minimum: 60, maximum: 3600 })
  @IsOptional()
  @IsInt({ message: 'must be an integer from 60 to 3600 seconds' })
  @Min(60, { message: 'must be an integer from 60 to 3600 seconds' })
  @Max(3600, { message: 'must be an integer from 60 to 3600 seconds' })
  device_code_ttl?: number;

  @ApiProperty({ required: false, minimum: 1, maximum: 60 })
  @IsOptional()
  @IsInt({ message: 'must be an integer from 1 to 60 seconds' })
  @Min(1, { message: 'must be an integer from 1 to 60 seconds' })
  @Max(60, { message: 'must be an integer from 1 to 60 seconds' })
  device_poll_interval?: number;

  @ApiProperty({ required: false, type: [String], enum: LOGIN_METHODS, example: ['password', 'phone_otp'] })
  @IsOptional()
  @IsArray(LOGIN)
  @ArrayNotEmpty(LOGIN)
  @IsIn(LOGIN_METHODS, { ...LOGIN, each: true })
  allowed_login_methods?: string[];

  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) require_2fa?: boolean;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) first_party?: boolean;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) trusted_phone_enabled?: boolean;
  @ApiProperty({ required: false, description: 'PEM text or a JWK set; null removes it' }) @Rule('partnerPublicKey', (v) => (v === null ? null : partnerKeyProblem(v))) partner_public_key?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) iin_signature_required?: boolean;
  @ApiProperty({ required: false, type: [String], format: 'uuid', description: 'only members of these organisations get in; null or [] lifts it' }) @Rule('allowedOrganizations', organizationsProblem) allowed_organizations?: string[];
  @ApiProperty({ required: false, description: "only organisations' owners and admins get in" }) @IsOptional() @IsBoolean(BOOLEAN) admins_only?: boolean;
}

/** `POST /admin/clients`. */
export class ClientMetadataDto extends ClientMetadataFieldsDto {
  @ApiProperty({ required: false, description: 'admin API only: a chosen client_id (3-300 of letters, digits and . _ ~ -)' })
  @Rule('clientId', (v) => (typeof v === 'string' && CLIENT_ID.test(v) ? null : 'must be 3-300 characters of letters, digits and . _ ~ -'))
  client_id?: string;

  @ApiProperty({ example: 'My app' }) @Rule('clientName', nameProblem, { required: 'is required' }) client_name: string;
}

/** `PATCH /admin/clients/{id}`: only the fields to change. */
export class ClientMetadataUpdateDto extends ClientMetadataFieldsDto {
  @ApiProperty({ required: false, description: 'cannot be changed; if sent, it must be this client' }) client_id?: string;
  @ApiProperty({ required: false, example: 'My app' }) @Rule('clientName', nameProblem) client_name?: string;
}

export class ClientDto extends ClientMetadataDto {
  @ApiProperty({ required: false, description: 'only in the answer to a creation, for a confidential client' }) client_secret?: string;
  @ApiProperty({ required: false }) client_id_issued_at?: number;
}
