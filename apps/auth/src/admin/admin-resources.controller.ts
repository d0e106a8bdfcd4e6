import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CreateResourceDto, ResourceDto } from './dto/create-resource.dto';
import { dtoProblems } from './dto/dto-problems';
import { ApiErrorDto } from './dto/errors.dto';
import { ApiResourceEntity } from '@idp/domain';
import { ResourcesService, USER_SCOPES } from '../oidc/resources.service';
import { AdminGuard } from './admin.guard';
import { SigningKeysService } from '../oidc/keys/signing-keys.service';
import { DEFAULT_SIGNING_ALG, SigningAlg } from '@idp/jwk';
import { ConflictError, FieldValidationError, requireObject } from './admin-errors';

function view(r: ApiResourceEntity, secret?: string) {
  return {
    id: r.id,
    name: r.name,
    audience: r.audience,
    scopes: r.scopes,
    access_token_signing_alg: r.accessTokenSigningAlg,
    ...(r.clientId ? { client_id: r.clientId } : {}),
    ...(secret ? { client_secret: secret } : {}),
    created_at: r.createdAt,
  };
}

/** What is wrong with a `POST /admin/resources` body, by field (the command line's import checks with it too). */
export function resourceProblems(input: Record<string, unknown>): Record<string, string> {
  const errors = dtoProblems(CreateResourceDto, input);
  const scopes = input.scopes;
  if (!errors.scopes && Array.isArray(scopes) && scopes.some((s) => USER_SCOPES.includes(s))) {
    errors.scopes = `must not use the OpenID Connect scopes (${USER_SCOPES.join(', ')})`;
  }
  return errors;
}

/**
 * API resources: an audience and the scopes that grant access to it. A scope belongs to one API.
 * Each gets its own client_id and secret (shown once) to introspect the tokens meant for it.
 */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/resources')
@UseGuards(AdminGuard)
export class AdminResourcesController {
  constructor(
    private readonly resources: ResourcesService,
    private readonly keys: SigningKeysService,
  ) {}

  @Post()
  @ApiBody({ type: CreateResourceDto })
  @ApiCreatedResponse({ type: ResourceDto, description: 'the API, with its introspection secret (shown once)' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the audience or a scope is taken' })
  async create(@Body() body: unknown) {
    const input = requireObject(body);
    const errors = resourceProblems(input);
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    const unique = [...new Set(input.scopes as string[])];
    const existing = await this.resources.list();
    if (existing.some((r) => r.audience === input.audience)) throw new ConflictError('audience', 'another API has this audience');
    const clash = unique.filter((s) => existing.some((r) => r.scopes.includes(s)));
    if (clash.length) throw new ConflictError('scopes', `scope already belongs to another API: ${clash.join(', ')}`);
    const alg = (input.access_token_signing_alg as SigningAlg | undefined) ?? DEFAULT_SIGNING_ALG;
    // Its key first, so the JWKS lists it before any token signed with it exists.
    await this.keys.ensureAlgorithm(alg);
    const { resource, secret } = await this.resources.create((input.name as string).trim(), input.audience as string, unique, alg);
    return view(resource, secret);
  }

  @Get()
  @ApiOkResponse({ type: [ResourceDto] })
  async list() {
    return (await this.resources.list()).map((r) => view(r));
  }
}
