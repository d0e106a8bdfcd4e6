import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { InitialAccessTokenRow, InitialAccessTokensService } from '../registration/initial-access-tokens.service';
import { AdminGuard } from './admin.guard';
import { FieldValidationError, NotFoundError, requireObject } from './admin-errors';

function view(r: InitialAccessTokenRow, token?: string) {
  return {
    id: r.id,
    ...(token ? { token } : {}),
    description: r.description,
    scope: r.scope,
    uses_left: r.uses_left,
    expires_at: r.expires_at,
    created_at: r.created_at,
  };
}

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;
const positiveInt = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

/**
 * Initial access tokens for dynamic registration: shown once; `max_uses`, `expires_in` and `scope`
 * (what clients registered with it may ask for; the OpenID Connect user scopes when unset) optional.
 */
@Controller('admin/initial-access-tokens')
@UseGuards(AdminGuard)
export class AdminInitialAccessTokensController {
  constructor(private readonly tokens: InitialAccessTokensService) {}

  @Post()
  async create(@Body() body: unknown) {
    const input = requireObject(body ?? {});
    const errors: Record<string, string> = {};
    if (input.description !== undefined && (typeof input.description !== 'string' || input.description.length > 200)) errors.description = 'must be a string of at most 200 characters';
    if (input.scope !== undefined && (typeof input.scope !== 'string' || !input.scope.split(' ').filter(Boolean).length || !input.scope.split(' ').filter(Boolean).every((s) => SCOPE.test(s)))) {
      errors.scope = 'must be a space-separated list of scope tokens';
    }
    if (input.max_uses !== undefined && !positiveInt(input.max_uses, 1_000_000)) errors.max_uses = 'must be a positive integer';
    if (input.expires_in !== undefined && !positiveInt(input.expires_in, 400 * 24 * 3600)) errors.expires_in = 'must be a positive integer number of seconds';
    if (Object.keys(errors).length) throw new FieldValidationError(errors);
    const { token, row } = await this.tokens.create({
      description: input.description as string | undefined,
      scope: typeof input.scope === 'string' ? [...new Set(input.scope.split(' ').filter(Boolean))].join(' ') : undefined,
      maxUses: input.max_uses as number | undefined,
      expiresIn: input.expires_in as number | undefined,
    });
    return view(row, token);
  }

  @Get()
  async list() {
    return (await this.tokens.list()).map((r) => view(r));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string) {
    if (!(await this.tokens.remove(id))) throw new NotFoundError('initial access token');
  }
}
