import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsObject, IsOptional, IsString } from 'class-validator';

const STRING = { message: 'must be a string' };
const BOOLEAN = { message: 'must be true or false' };

/** `POST /admin/users`: identifiers given here count as verified. */
export class CreateUserDto {
  @ApiProperty({ example: 'aigerim' }) @IsString({ message: 'is required' }) login: string;
  @ApiProperty({ example: 'a long password', format: 'password' }) @IsString({ message: 'is required' }) password: string;
  @ApiProperty({ required: false, example: 'aigerim@example.kz' }) @IsOptional() @IsString(STRING) email?: string;
  @ApiProperty({ required: false, example: '+77071234567' }) @IsOptional() @IsString(STRING) phone?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) given_name?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) family_name?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) middle_name?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) nickname?: string;
  @ApiProperty({ required: false, example: '1990-04-01' }) @IsOptional() @IsString(STRING) birthdate?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) picture?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString(STRING) email_public?: string;
  @ApiProperty({ required: false, type: Object, additionalProperties: true }) @IsOptional() @IsObject({ message: 'must be a JSON object' }) custom_fields?: Record<string, unknown>;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) password_change_required?: boolean;
  @ApiProperty({ required: false, type: 'array', items: { type: 'object', additionalProperties: true } })
  @IsOptional()
  @IsArray({ message: 'must be an array of JSON objects' })
  @IsObject({ each: true, message: 'must be an array of JSON objects' })
  public_external_accounts?: Record<string, unknown>[];
}

/** `PATCH /admin/users/{id}`. */
export class UpdateUserDto {
  @ApiProperty({ required: false, description: 'locking also ends the sessions and revokes the grants of the account' }) @IsOptional() @IsBoolean(BOOLEAN) locked?: boolean;
  @ApiProperty({ required: false }) @IsOptional() @IsBoolean(BOOLEAN) password_change_required?: boolean;
  @ApiProperty({ required: false, description: 'require a second factor at every sign-in of this account' }) @IsOptional() @IsBoolean(BOOLEAN) require_2fa?: boolean;
}

export class UserCreatedDto {
  @ApiProperty({ description: "the user's sub" }) id: string;
}
