import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccountCallerService } from '../account/account-caller.service';
import { AccountApiError, badRequest } from '../account/account-errors';
import { ClientSecretsService } from './client-secrets.service';
import { ClientUsageService } from './client-usage.service';
import { CapabilityRequestsService } from './capability-requests.service';
import { DeveloperApp, DeveloperAppsService } from './developer-apps.service';
import { DevelopersError } from './developers-errors';

type Json = Record<string, unknown>;
const obj = (body: unknown): Json => {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) throw badRequest('the body must be a JSON object');
  return body as Json;
};

/** An application as the integrator sees it: RFC 7591 names, its fixed client_id, the secret once. */
export function appView(app: DeveloperApp, secret?: string) {
  const { sector: _sector, ...metadata } = app.metadata;
  return {
    client_id: app.clientId,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(app.createdAt.getTime() / 1000),
    role: app.role,
    ...metadata,
  };
}

/**
 * The integrators' cabinet as JSON at /api/developers, for the signed-in browser: the SSO session
 * cookie, and the X-CSRF-Token header on every change (GET /api/developers gives the token), as
 * /api/account works. Errors are {"error", "error_description"}; metadata is refused exactly as
 * dynamic registration refuses it (invalid_redirect_uri, invalid_client_metadata).
 */
@Controller('api/developers')
export class DevelopersApiController {
  constructor(
    private readonly callers: AccountCallerService,
    private readonly apps: DeveloperAppsService,
    private readonly secrets: ClientSecretsService,
    private readonly capabilities: CapabilityRequestsService,
    private readonly usageCounts: ClientUsageService,
  ) {}

  @Get()
  async me(@Req() req: FastifyRequest) {
    const caller = await this.caller(req);
    return { sub: caller.sub, csrf_token: caller.csrf, apps: (await this.apps.list(caller.sub)).map((a) => appView(a)) };
  }

  @Get('apps')
  async list(@Req() req: FastifyRequest) {
    const caller = await this.caller(req);
    return (await this.apps.list(caller.sub)).map((a) => appView(a));
  }

  @Post('apps')
  async create(@Req() req: FastifyRequest, @Body() body: unknown) {
    const caller = await this.caller(req);
    const { app, secret } = await this.run(() => this.apps.create(caller.sub, obj(body)));
    return appView(app, secret);
  }

  @Get('apps/:id')
  async get(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    return appView(await this.run(() => this.apps.get(caller.sub, id)));
  }

  @Patch('apps/:id')
  async update(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: unknown) {
    const caller = await this.caller(req);
    const { app, secret } = await this.run(() => this.apps.update(caller.sub, id, obj(body)));
    return appView(app, secret);
  }

  @Delete('apps/:id')
  @HttpCode(204)
  async remove(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.remove(caller.sub, id));
  }

  @Get('apps/:id/secrets')
  async listSecrets(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.get(caller.sub, id));
    return this.secrets.list(id);
  }

  /** {"grace_seconds": 86400}: how long the current secret keeps working (0 to 7 days). */
  @Post('apps/:id/secrets')
  async rotate(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: unknown) {
    const caller = await this.caller(req);
    const input = body === undefined ? {} : obj(body);
    const rotated = await this.run(() => this.apps.rotateSecret(caller.sub, id, input.grace_seconds ?? 0));
    return { id: rotated.id, client_id: id, client_secret: rotated.secret, grace_seconds: input.grace_seconds ?? 0 };
  }

  @Delete('apps/:id/secrets/:secretId')
  @HttpCode(204)
  async revoke(@Req() req: FastifyRequest, @Param('id') id: string, @Param('secretId') secretId: string) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.revokeSecret(caller.sub, id, secretId));
  }

  /** {"jwks": {"keys": [...]}} or {"jwks_uri": "https://..."}; public keys only. */
  @Put('apps/:id/keys')
  async keys(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: unknown) {
    const caller = await this.caller(req);
    return appView(await this.run(() => this.apps.setKeys(caller.sub, id, obj(body))));
  }

  /** The raw picture as the body (Content-Type image/png, image/jpeg or image/webp), at most 1 MB. */
  @Put('apps/:id/logo')
  async logo(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    const body = req.body;
    if (!Buffer.isBuffer(body) || !body.length) throw new AccountApiError(415, 'unsupported_media_type', 'send the picture as the body with Content-Type image/png, image/jpeg or image/webp');
    return appView(await this.run(() => this.apps.setLogo(caller.sub, id, body)));
  }

  @Get('apps/:id/capabilities')
  async listCapabilities(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.get(caller.sub, id));
    return this.capabilities.forClient(id);
  }

  /** {"capability": "trusted_phone" | "trusted" | "jwt_bearer" | "password"} */
  @Post('apps/:id/capabilities')
  async requestCapability(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: unknown) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.get(caller.sub, id));
    return this.run(() => this.capabilities.request(id, caller.sub, obj(body).capability));
  }

  @Get('apps/:id/members')
  async members(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    return this.run(() => this.apps.members(caller.sub, id));
  }

  /** {"identifier": "login, e-mail or phone of an existing account"} */
  @Post('apps/:id/members')
  async addMember(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: unknown) {
    const caller = await this.caller(req);
    return this.run(() => this.apps.addMember(caller.sub, id, obj(body).identifier));
  }

  @Delete('apps/:id/members/:userId')
  @HttpCode(204)
  async removeMember(@Req() req: FastifyRequest, @Param('id') id: string, @Param('userId') userId: string) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.removeMember(caller.sub, id, userId));
  }

  /** Token requests and errors per day (the last 14 days), and when each secret was last used. */
  @Get('apps/:id/usage')
  async usage(@Req() req: FastifyRequest, @Param('id') id: string) {
    const caller = await this.caller(req);
    await this.run(() => this.apps.get(caller.sub, id));
    const [days, secrets] = await Promise.all([this.usageCounts.daily(id), this.secrets.list(id)]);
    return { days, secrets: secrets.map((s) => ({ id: s.id, status: s.status, last_used_at: s.last_used_at })) };
  }

  /** Only the browser's session manages applications; an access token is not enough. */
  private async caller(req: FastifyRequest) {
    if (req.headers.authorization) throw new AccountApiError(401, 'login_required', 'the developers API is used with the signed-in browser session (cookie and X-CSRF-Token), not a token');
    const caller = await this.callers.api(req);
    if (caller.via !== 'session') throw new AccountApiError(401, 'login_required', 'sign in first');
    return caller;
  }

  private async run<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (err) {
      if (err instanceof DevelopersError) throw new AccountApiError(err.status, err.error, err.description);
      throw err;
    }
  }
}
