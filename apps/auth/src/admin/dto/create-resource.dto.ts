import { ApiProperty } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { SIGNING_ALGS } from '@idp/jwk';

const SCOPES = 'must be a non-empty array of scope tokens';

/** `POST /admin/resources`. */
export class CreateResourceDto {
  @ApiProperty({ example: 'Extern API', description: 'a name for people' })
  @IsString({ message: 'is required' })
  @Matches(/\S/, { message: 'is required' })
  name: string;

  @ApiProperty({ example: 'https://api.example/extern', maxLength: 500, description: 'the `aud` of the access tokens meant for this API' })
  @IsString({ message: 'is required (a URI or name, at most 500 characters)' })
  @Matches(/\S/, { message: 'is required (a URI or name, at most 500 characters)' })
  @MaxLength(500, { message: 'is required (a URI or name, at most 500 characters)' })
  audience: string;

  @ApiProperty({ example: ['extern.api'], type: [String], description: 'scopes granting access to this API (not the OpenID Connect ones); a scope belongs to one API' })
  @IsArray({ message: SCOPES })
  @ArrayNotEmpty({ message: SCOPES })
  @IsString({ each: true, message: SCOPES })
  @MinLength(1, { each: true, message: SCOPES })
  @MaxLength(100, { each: true, message: SCOPES })
  @Matches(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { each: true, message: SCOPES })
  scopes: string[];

  @ApiProperty({ required: false, enum: SIGNING_ALGS, default: 'RS256', description: 'the JWS algorithm of the access tokens meant for this API' })
  @IsOptional()
  @IsIn(SIGNING_ALGS, { message: `must be one of ${SIGNING_ALGS.join(', ')}` })
  access_token_signing_alg?: string;
}

export class ResourceDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() audience: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty({ enum: SIGNING_ALGS }) access_token_signing_alg: string;
  @ApiProperty({ description: 'the client_id with which this API introspects its tokens' }) client_id: string;
  @ApiProperty({ required: false, description: 'only in the answer to its creation' }) client_secret?: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
