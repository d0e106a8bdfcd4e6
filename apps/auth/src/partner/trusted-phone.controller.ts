import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { TrustedPhoneDto, TrustedPhoneSecretDto } from './dto/partner.dto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BusClient } from '@idp/bus';
import { ConsentSubjects } from '@idp/contracts';
import { FieldValidationError } from '../admin/admin-errors';
import { ClientsService } from '../oidc/clients/clients.service';
import { UnauthorizedClient } from '../oidc/errors/oauth.errors';
import { singleValued } from '../oidc/params';

/** The international form the authorization endpoint's `phone` takes; spaces, dashes and brackets are dropped first. */
const PHONE = /^\+\d{7,15}$/;

/**
 * POST /api/v1/trusted-phone: a partner whose contract allows it (`trusted_phone_enabled`) and
 * that verified a phone itself gets a one-time secret. Passed as `otp_confirmation` with the same
 * `phone` to /connect/authorize within 60 minutes, it stands in for the SMS code. The partner
 * authenticates as at the token endpoint; JSON or form bodies.
 */
@ApiTags('partner')
@ApiBasicAuth('client_secret_basic')
@ApiUnauthorizedResponse({ description: 'failed client authentication, or trusted_phone_enabled is off' })
@Controller('api/v1/trusted-phone')
export class TrustedPhoneController {
  constructor(
    private readonly clients: ClientsService,
    private readonly bus: BusClient,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiBody({ type: TrustedPhoneDto, description: 'JSON or a form' })
  @ApiOkResponse({ type: TrustedPhoneSecretDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  async issue(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const body = singleValued(req.body);
    const client = await this.clients.authenticate(req, body);
    if (!client.metadata.trusted_phone_enabled) throw new UnauthorizedClient('this client may not confirm phones (trusted_phone_enabled is off)');
    const phone = (body.phone ?? '').replace(/[\s()-]/g, '');
    if (!body.phone) throw new FieldValidationError({ phone: 'is required' });
    if (!PHONE.test(phone)) throw new FieldValidationError({ phone: 'must be an international number: + and 7 to 15 digits' });
    const issued = await this.bus.value(ConsentSubjects.trustedPhoneIssue, { clientId: client.clientId, phone });
    void reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    return { secret: issued.secret, expires_in: issued.expiresIn };
  }
}
