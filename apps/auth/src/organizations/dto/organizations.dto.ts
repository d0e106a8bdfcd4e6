import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { ORG_ROLES } from '@idp/contracts';

const STRING = { message: 'must be a string' };
const ROLE = { message: `one of ${ORG_ROLES.join(', ')}` };

/** `POST /admin/organizations`. */
export class CreateOrganizationDto {
  @ApiProperty({ example: 'Kontur LLP' }) @IsString({ message: 'is required' }) name: string;
  @ApiProperty({ required: false, description: 'the sub of the first owner' }) @IsOptional() @IsString(STRING) owner_sub?: string;
}

/** `PATCH /admin/organizations/{id}`: a new name. */
export class RenameOrganizationDto {
  @ApiProperty({ example: 'Kontur LLP' }) @IsString({ message: 'is required' }) name: string;
}

/** `PUT /admin/organizations/{id}/members/{sub}`: adds the member or changes the role. */
export class MemberRoleDto {
  @ApiProperty({ required: false, enum: ORG_ROLES, default: 'member' }) @IsOptional() @IsIn(ORG_ROLES, ROLE) role?: string;
}

/** `POST /admin/organizations/{id}/invitations`: an e-mail address or a phone, accepted when someone signs in with it verified. */
export class InvitationDto {
  @ApiProperty({ required: false, example: 'aigerim@kontur.kz' }) @IsOptional() @IsString(STRING) email?: string;
  @ApiProperty({ required: false, example: '+77071234567' }) @IsOptional() @IsString(STRING) phone?: string;
  @ApiProperty({ required: false, enum: ORG_ROLES, default: 'member' }) @IsOptional() @IsIn(ORG_ROLES, ROLE) role?: string;
}

/** `POST /admin/organizations/{id}/domains`. */
export class ClaimDomainDto {
  @ApiProperty({ example: 'kontur.kz' }) @IsString({ message: 'is required' }) domain: string;
}

/**
 * `POST /admin/organizations/{id}/upstream-providers`. The shapes are checked here; the rules
 * between fields (what each kind needs, the discovery document being readable) by the service.
 */
export class UpstreamProviderDto {
  @ApiProperty({ required: false, enum: ['oidc', 'oauth2'], default: 'oidc' }) @IsOptional() @IsIn(['oidc', 'oauth2'], { message: 'must be oidc or oauth2' }) kind?: string;
  @ApiProperty({ required: false, example: 'Company account' }) name?: string;
  @ApiProperty() @IsString({ message: 'is required' }) client_id: string;
  @ApiProperty({ format: 'password', description: 'sealed at rest and never shown again' }) @IsString({ message: 'is required' }) client_secret: string;
  @ApiProperty({ required: false, type: [String], example: ['openid', 'email', 'profile'] }) scopes?: string[];
  @ApiProperty({ required: false, type: Object, additionalProperties: { type: 'string' }, description: 'our sub, email, email_verified, given_name, family_name to the upstream claim names' })
  claim_mapping?: Record<string, string>;
  @ApiProperty({ required: false, description: 'oidc: the https URL of the upstream .well-known/openid-configuration' }) discovery_url?: string;
  @ApiProperty({ required: false, description: 'oauth2' }) authorization_endpoint?: string;
  @ApiProperty({ required: false, description: 'oauth2' }) token_endpoint?: string;
  @ApiProperty({ required: false, description: 'oauth2' }) userinfo_endpoint?: string;
  @ApiProperty({ required: false }) end_session_endpoint?: string;
}

/**
 * `PATCH .../upstream-providers/{provider}`: the fields given replace the stored ones and are
 * checked as on creation; `client_secret` only when it changes (it is never shown back).
 */
export class UpstreamProviderUpdateDto {
  @ApiProperty({ required: false, enum: ['oidc', 'oauth2'] }) @IsOptional() @IsIn(['oidc', 'oauth2'], { message: 'must be oidc or oauth2' }) kind?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) name?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) client_id?: string;
  @ApiProperty({ required: false, format: 'password', description: 'sealed at rest and never shown again; leave out to keep the stored one' }) @IsOptional() @IsString(STRING) client_secret?: string;
  @ApiProperty({ required: false, type: [String], example: ['openid', 'email', 'profile'] }) scopes?: string[];
  @ApiProperty({ required: false, type: Object, additionalProperties: { type: 'string' } }) claim_mapping?: Record<string, string>;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) discovery_url?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) authorization_endpoint?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) token_endpoint?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) userinfo_endpoint?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) end_session_endpoint?: string;
}
