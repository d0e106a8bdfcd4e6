import { ApiProperty } from '@nestjs/swagger';

/** `POST /api/v1/external-accounts` (JSON or form; validated by the controller, which also takes forms). */
export class LinkExternalAccountDto {
  @ApiProperty({ description: "the partner's own user id", maxLength: 255 }) service_user_id: string;
  @ApiProperty({ example: '+77071234567', description: 'a phone verified on the account' }) phone: string;
}

export class ExternalAccountDto {
  @ApiProperty() service_user_id: string;
  @ApiProperty({ description: "the account's sub as this client sees it" }) sub: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

/** `POST /api/v1/trusted-phone` (JSON or form). */
export class TrustedPhoneDto {
  @ApiProperty({ example: '+77071234567', description: '+ and 7 to 15 digits' }) phone: string;
}

export class TrustedPhoneSecretDto {
  @ApiProperty({ description: 'pass as otp_confirmation with the same phone to /connect/authorize; single use' }) secret: string;
  @ApiProperty({ example: 3600 }) expires_in: number;
}
