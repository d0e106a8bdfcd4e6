import { ApiProperty } from '@nestjs/swagger';
import { ClientDto } from '../../admin/dto/client-metadata.dto';

export class RegisteredClientDto extends ClientDto {
  @ApiProperty({ required: false, description: 'RFC 7592: the bearer token of the configuration endpoint (shown once)' }) registration_access_token?: string;
  @ApiProperty({ required: false }) registration_client_uri?: string;
}

/** RFC 7591 3.2.2 error body. */
export class RegistrationErrorDto {
  @ApiProperty({ example: 'invalid_client_metadata' }) error: string;
  @ApiProperty({ required: false }) error_description?: string;
}
