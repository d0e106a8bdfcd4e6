import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/** A certificate, PEM or base64 DER (a CA for the trust store, a user's for binding). */
export class CertificateDto {
  @ApiProperty({ description: 'one X.509 certificate, PEM or base64 DER' })
  @IsString({ message: 'must be one X.509 certificate, PEM or base64 DER' })
  certificate: string;
}

/** A certificate revocation list of a trusted CA. */
export class CrlDto {
  @ApiProperty({ description: 'an X.509 CRL, PEM or base64 DER' })
  @IsString({ message: 'must be an X.509 CRL, PEM or base64 DER' })
  crl: string;
}
