import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `POST /admin/initial-access-tokens`. */
export class CreateInitialAccessTokenDto {
  @ApiProperty({ required: false, maxLength: 200, example: 'Partner X' })
  @IsOptional()
  @IsString({ message: 'must be a string of at most 200 characters' })
  @MaxLength(200, { message: 'must be a string of at most 200 characters' })
  description?: string;

  @ApiProperty({ required: false, example: 'openid profile extern.api', description: 'what clients registered with it may ask for; the OpenID Connect user scopes when left out' })
  @IsOptional()
  @IsString({ message: 'must be a space-separated list of scope tokens' })
  @Matches(/^ *[\x21\x23-\x5B\x5D-\x7E]{1,100}( +[\x21\x23-\x5B\x5D-\x7E]{1,100})* *$/, { message: 'must be a space-separated list of scope tokens' })
  scope?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: 1_000_000 })
  @IsOptional()
  @IsInt({ message: 'must be a positive integer' })
  @Min(1, { message: 'must be a positive integer' })
  @Max(1_000_000, { message: 'must be a positive integer' })
  max_uses?: number;

  @ApiProperty({ required: false, minimum: 1, maximum: 400 * 24 * 3600, description: 'seconds' })
  @IsOptional()
  @IsInt({ message: 'must be a positive integer number of seconds' })
  @Min(1, { message: 'must be a positive integer number of seconds' })
  @Max(400 * 24 * 3600, { message: 'must be a positive integer number of seconds' })
  expires_in?: number;
}

export class InitialAccessTokenDto {
  @ApiProperty() id: string;
  @ApiProperty({ required: false, description: 'only in the answer to its creation' }) token?: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) scope: string | null;
  @ApiProperty({ nullable: true, type: Number }) uses_left: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expires_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
