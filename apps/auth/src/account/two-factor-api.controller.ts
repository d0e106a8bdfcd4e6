import { Controller, Delete, Get, HttpCode, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiForbiddenResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { TwoFactorStatusDto } from './dto/account-api.dto';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { SecondFactorSubjects } from '@idp/contracts';
import { SsoSessionEntity } from '@idp/domain';
import { SessionsService } from '../sessions/sessions.service';
import { twoFactorCsrf, twoFactorCsrfValid } from './two-factor-csrf';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * The JSON twin of /account/two-factor for the signed-in browser (SSO session cookie): what is on,
 * and the trusted browsers, which can be revoked. Changes need the `X-CSRF-Token` header with the
 * `csrf_token` the GET answered.
 */
@ApiTags('account')
@ApiCookieAuth('sso_session')
@ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'not signed in (login_required)' })
@Controller('api/account/two-factor')
export class TwoFactorApiController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The second factors that are on, and the trusted browsers' })
  @ApiOkResponse({ type: TwoFactorStatusDto })
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const session = await this.session(req, reply);
    if (!session) return;
    const status = await this.bus.request(SecondFactorSubjects.status, { sub: session.userId });
    if (!status.ok) return this.unauthorized(reply);
    const devices = await this.bus.value(SecondFactorSubjects.deviceList, { sub: session.userId });
    const s = status.value;
    void reply.status(200).headers(NO_STORE).send({
      enrolled: s.enrolled,
      totp: s.totp,
      sms: s.sms,
      sms_available: s.smsAvailable,
      phone_masked: s.phoneMasked,
      backup_codes_left: s.backupCodesLeft,
      required: s.required,
      trusted_devices: devices.map((d) => ({ id: d.id, label: d.label, created_at: d.createdAt, expires_at: d.expiresAt, last_used_at: d.lastUsedAt })),
      csrf_token: twoFactorCsrf(this.config.keyEncryptionKey, session.tokenHash),
    });
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop trusting a browser' })
  @ApiHeader({ name: 'X-CSRF-Token', required: true, description: 'the csrf_token of GET /api/account/two-factor' })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'the X-CSRF-Token header is missing or wrong' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async revoke(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const session = await this.session(req, reply);
    if (!session) return;
    if (!twoFactorCsrfValid(this.config.keyEncryptionKey, session.tokenHash, req.headers['x-csrf-token'])) {
      return void reply.status(403).headers(NO_STORE).send({ error: 'invalid_request', error_description: 'the X-CSRF-Token header is missing or wrong' });
    }
    const { revoked } = await this.bus.value(SecondFactorSubjects.deviceRevoke, { sub: session.userId, id });
    if (!revoked) return void reply.status(404).headers(NO_STORE).send({ error: 'not_found', error_description: 'no such trusted browser' });
    void reply.status(204).headers(NO_STORE).send();
  }

  private async session(req: FastifyRequest, reply: FastifyReply): Promise<SsoSessionEntity | null> {
    const session = await this.sessions.current(req);
    if (!session) this.unauthorized(reply);
    return session;
  }

  private unauthorized(reply: FastifyReply) {
    void reply.status(401).headers(NO_STORE).send({ error: 'login_required', error_description: 'sign in first' });
  }
}
