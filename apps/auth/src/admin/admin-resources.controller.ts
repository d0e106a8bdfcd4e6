import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ApiResourceEntity } from '@idp/domain';
import { ResourcesService, USER_SCOPES } from '../oidc/resources.service';
import { AdminGuard } from './admin.guard';
import { ConflictError, FieldValidationError, requireObject } from './admin-errors';

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

function view(r: ApiResourceEntity, secret?: string) {
  return {
    id: r.id,
    name: r.name,
    audience: r.audience,
    scopes: r.scopes,
    ...(r.clientId ? { client_id: r.clientId } : {}),
    ...(secret ? { client_secret: secret } : {}),
    created_at: r.createdAt,
  };
}

/** What is wrong with a `POST /admin/resources` body, by field (the command line's import checks with it too). */
export function resourceProblems(input: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (typeof input.name !== 'string' || !input.name.trim()) errors.name = 'is required';
  if (typeof input.audience !== 'string' || !input.audience.trim() || input.audience.length > 500) errors.audience = 'is required (a URI or name, at most 500 characters)';
  const scopes = input.scopes;
  if (!Array.isArray(scopes) || !scopes.length || scopes.some((s) => typeof s !== 'string' || !SCOPE.test(s))) {
    errors.scopes = 'must be a non-empty array of scope tokens';
  } else if (scopes.some((s) => USER_SCOPES.includes(s))) {
    errors.scopes = `must not use the OpenID Connect scopes (${USER_SCOPES.join(', ')})`;
  }
  return errors;
}

/**
 * API resources: an audience and the scopes that grant access to it. A scope belongs to one API.
 * Each gets its own client_id and secret (shown once) to introspect the tokens meant for it.
 */
@Controller('admin/resources')
@UseGuards(AdminGuard)
export class AdminResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Post()
  async create(@Body() body: unknown) {
    const input = requireObject(body);
    const errors = resourceProblems(input);
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    const unique = [...new Set(input.scopes as string[])];
    const existing = await this.resources.list();
    if (existing.some((r) => r.audience === input.audience)) throw new ConflictError('audience', 'another API has this audience');
    const clash = unique.filter((s) => existing.some((r) => r.scopes.includes(s)));
    if (clash.length) throw new ConflictError('scopes', `scope already belongs to another API: ${clash.join(', ')}`);
    const { resource, secret } = await this.resources.create((input.name as string).trim(), input.audience as string, unique);
    return view(resource, secret);
  }

  @Get()
  async list() {
    return (await this.resources.list()).map((r) => view(r));
  }
}
