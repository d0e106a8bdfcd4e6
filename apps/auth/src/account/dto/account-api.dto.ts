import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsString, ValidateIf } from 'class-validator';
import { USER_LOGIN_METHODS } from '@idp/contracts';

const STRING = { message: 'must be a string' };
/** Checked when sent at all: null is a wrong value here, not a missing one. */
const Sent = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/** `PATCH /api/account/profile`: the fields to change; an empty string clears one (given_name excepted). */
export class UpdateProfileDto {
  @ApiProperty({ required: false, example: 'Aigerim' }) @Sent() @IsString(STRING) given_name?: string;
  @ApiProperty({ required: false }) @Sent() @IsString(STRING) family_name?: string;
  @ApiProperty({ required: false }) @Sent() @IsString(STRING) middle_name?: string;
  @ApiProperty({ required: false }) @Sent() @IsString(STRING) nickname?: string;
  @ApiProperty({ required: false, example: '1990-04-01', description: 'YYYY-MM-DD, not in the future' }) @Sent() @IsString(STRING) birthdate?: string;
  @ApiProperty({ required: false, enum: ['ru', 'en', 'kk', ''], description: 'the language of the pages (after ui_locales, before Accept-Language); empty clears it' })
  @Sent()
  @IsString(STRING)
  locale?: string;
}

/** `PUT /api/account/login`. */
export class ChangeLoginDto {
  @ApiProperty({ example: 'aigerim' }) @IsString(STRING) login: string;
}

/** `POST /api/account/identifiers`: a code goes to the phone or address to add. */
export class AddIdentifierDto {
  @ApiProperty({ enum: ['sms', 'email'] }) @IsIn(['sms', 'email'], { message: 'sms or email' }) channel: 'sms' | 'email';
  @ApiProperty({ example: '+77071234567' }) @IsString(STRING) destination: string;
}

/** `POST /api/account/identifiers/confirm`. */
export class ConfirmIdentifierDto {
  @ApiProperty({ description: 'the challenge_id the code was sent with' }) @IsString(STRING) challenge_id: string;
  @ApiProperty({ example: '482913' }) @IsString(STRING) code: string;
}

/** `PUT /api/account/identifiers/primary`. */
export class PrimaryIdentifierDto {
  @ApiProperty({ enum: ['phone', 'email'] }) @IsIn(['phone', 'email'], { message: 'phone or email' }) primary: 'phone' | 'email';
}

/** `PUT /api/account/login-methods`: the methods to keep on (at least one). */
export class LoginMethodsDto {
  @ApiProperty({ type: [String], enum: USER_LOGIN_METHODS, example: ['password', 'phone_otp'] })
  @IsArray({ message: 'an array of password, phone_otp, email_otp' })
  @IsString({ each: true, message: 'an array of password, phone_otp, email_otp' })
  methods: string[];
}

/** `POST /api/account/password`. */
export class ChangePasswordDto {
  @ApiProperty({ required: false, format: 'password', description: 'required when the account has a password' }) @Sent() @IsString(STRING) current_password?: string;
  @ApiProperty({ format: 'password', description: 'at least 8 characters, at most 72 bytes, not a common password' }) @IsString(STRING) new_password: string;
  @ApiProperty({ required: false, description: 'also end every other session (and revoke its grants)' })
  @Sent()
  @IsBoolean({ message: 'must be true or false' })
  end_other_sessions?: boolean;
}

/** `POST /api/account/delete`. */
export class DeleteAccountDto {
  @ApiProperty({ required: false, format: 'password', description: 'the password, when the account has one; without one a sign-in within 10 minutes is needed' })
  @Sent()
  @IsString(STRING)
  password?: string;
}

/** What the cabinet shows of the account. */
export class AccountViewDto {
  @ApiProperty() id: string;
  @ApiProperty() login: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() email_verified: boolean;
  @ApiProperty({ nullable: true, type: String }) phone_number: string | null;
  @ApiProperty() phone_number_verified: boolean;
  @ApiProperty({ nullable: true, enum: ['phone', 'email'] }) primary_identifier: 'phone' | 'email' | null;
  @ApiProperty({ nullable: true, type: String }) given_name: string | null;
  @ApiProperty({ nullable: true, type: String }) family_name: string | null;
  @ApiProperty({ nullable: true, type: String }) middle_name: string | null;
  @ApiProperty({ nullable: true, type: String }) nickname: string | null;
  @ApiProperty({ nullable: true, type: String }) birthdate: string | null;
  @ApiProperty({ nullable: true, enum: ['ru', 'en', 'kk'] }) locale: string | null;
  @ApiProperty({ nullable: true, type: String }) picture: string | null;
  @ApiProperty() has_photo: boolean;
  @ApiProperty() has_password: boolean;
  @ApiProperty({ nullable: true, type: String }) password_updated_at: string | null;
  @ApiProperty() password_change_required: boolean;
  @ApiProperty({ type: [String], enum: USER_LOGIN_METHODS }) login_methods: string[];
  @ApiProperty() created_at: string;
  @ApiProperty({ required: false, description: 'for the signed-in browser: the X-CSRF-Token to send with changes' }) csrf_token?: string;
}

export class CodeSentDto {
  @ApiProperty() challenge_id: string;
  @ApiProperty({ enum: ['sms', 'email'] }) channel: string;
  @ApiProperty({ description: 'masked' }) destination: string;
  @ApiProperty({ description: 'seconds' }) expires_in: number;
  @ApiProperty({ description: 'seconds until a new code may be asked for' }) resend_in: number;
}

export class PasswordChangedDto {
  @ApiProperty() password_updated_at: string;
  @ApiProperty() sessions_ended: number;
}

export class SessionsEndedDto {
  @ApiProperty() sessions_ended: number;
}

export class AccountDeletedDto {
  @ApiProperty() deleted: boolean;
  @ApiProperty() sessions_ended: number;
  @ApiProperty() grants_revoked: number;
}

export class AccountSessionDto {
  @ApiProperty() id: string;
  @ApiProperty() created_at: string;
  @ApiProperty() auth_time: string;
  @ApiProperty() expires_at: string;
  @ApiProperty({ nullable: true, type: String }) user_agent: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ type: [String], description: 'how the user signed in (RFC 8176)' }) amr: string[];
  @ApiProperty({ description: 'the session of this browser' }) current: boolean;
}

export class ConnectedAppDto {
  @ApiProperty() client_id: string;
  @ApiProperty() client_name: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty() granted_at: string;
}

export class AuditEventDto {
  @ApiProperty() at: string;
  @ApiProperty({ example: 'user.password_changed' }) type: string;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String }) user_agent: string | null;
  @ApiProperty({ nullable: true, type: String }) client_id: string | null;
  @ApiProperty({ nullable: true, type: Object, additionalProperties: true }) data: Record<string, unknown> | null;
}

export class TrustedDeviceDto {
  @ApiProperty() id: string;
  @ApiProperty() label: string;
  @ApiProperty() created_at: string;
  @ApiProperty() expires_at: string;
  @ApiProperty({ nullable: true, type: String }) last_used_at: string | null;
}

export class TwoFactorStatusDto {
  @ApiProperty() enrolled: boolean;
  @ApiProperty() totp: boolean;
  @ApiProperty() sms: boolean;
  @ApiProperty() sms_available: boolean;
  @ApiProperty({ nullable: true, type: String }) phone_masked: string | null;
  @ApiProperty() backup_codes_left: number;
  @ApiProperty() required: boolean;
  @ApiProperty({ type: [TrustedDeviceDto] }) trusted_devices: TrustedDeviceDto[];
  @ApiProperty({ description: 'the X-CSRF-Token to send with changes' }) csrf_token: string;
}
