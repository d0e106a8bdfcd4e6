import { ApiProperty } from '@nestjs/swagger';

/** The admin and partner APIs' error body. */
export class ApiErrorDto {
  @ApiProperty({ example: 'invalid_request' }) error: string;
  @ApiProperty({ required: false }) error_description?: string;
  @ApiProperty({ required: false, type: Object, additionalProperties: { type: 'string' }, description: 'the problem with each field at fault' }) fields?: Record<string, string>;
}
