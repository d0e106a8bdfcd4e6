import { ApiProperty } from '@nestjs/swagger';

/**
 * RFC 7591 / OpenID Connect Registration metadata plus our extensions, as `POST /admin/clients`
 * and `/connect/register` take them. Documentation only: both endpoints validate with
 * validateClientMetadata, which knows the rules between fields (redirect URIs per application
 * type, grants and response types together, keys for private_key_jwt ...).
 */
export class ClientMetadataDto {
  @ApiProperty({ required: false, description: 'admin API only: a chosen client_id (3-300 of letters, digits and . _ ~ -)' }) client_id?: string;
  @ApiProperty({ example: 'My app' }) client_name: string;
  @ApiProperty({ required: false, type: [String], example: ['https://app.example/callback'] }) redirect_uris?: string[];
  @ApiProperty({ required: false, type: [String] }) post_logout_redirect_uris?: string[];
  @ApiProperty({ required: false, type: [String], example: ['authorization_code', 'refresh_token'] }) grant_types?: string[];
  @ApiProperty({ required: false, type: [String], example: ['code'] }) response_types?: string[];
  @ApiProperty({ required: false, enum: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] }) token_endpoint_auth_method?: string;
  @ApiProperty({ required: false, example: 'openid profile email offline_access' }) scope?: string;
  @ApiProperty({ required: false, enum: ['web', 'native'] }) application_type?: string;
  @ApiProperty({ required: false, enum: ['public', 'pairwise'] }) subject_type?: string;
  @ApiProperty({ required: false }) sector_identifier_uri?: string;
  @ApiProperty({ required: false, type: Object, additionalProperties: true, description: 'a JWK set' }) jwks?: Record<string, unknown>;
  @ApiProperty({ required: false }) jwks_uri?: string;
  @ApiProperty({ required: false }) backchannel_logout_uri?: string;
  @ApiProperty({ required: false }) backchannel_logout_session_required?: boolean;
  @ApiProperty({ required: false }) logo_uri?: string;
  @ApiProperty({ required: false, description: 'seconds (admin API only, as the next ones)' }) access_token_ttl?: number;
  @ApiProperty({ required: false }) refresh_token_ttl?: number;
  @ApiProperty({ required: false }) id_token_ttl?: number;
  @ApiProperty({ required: false }) device_code_ttl?: number;
  @ApiProperty({ required: false }) device_poll_interval?: number;
  @ApiProperty({ required: false, type: [String], example: ['password', 'phone_otp'] }) allowed_login_methods?: string[];
  @ApiProperty({ required: false }) require_2fa?: boolean;
  @ApiProperty({ required: false }) first_party?: boolean;
  @ApiProperty({ required: false }) trusted_phone_enabled?: boolean;
  @ApiProperty({ required: false, description: 'PEM text or a JWK set' }) partner_public_key?: string;
  @ApiProperty({ required: false }) iin_signature_required?: boolean;
}

export class ClientDto extends ClientMetadataDto {
  @ApiProperty({ required: false, description: 'only in the answer to a creation, for a confidential client' }) client_secret?: string;
  @ApiProperty({ required: false }) client_id_issued_at?: number;
}
