import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { validBody } from '../admin/dto/dto-problems';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { CertificateDto } from './dto/trust.dto';
import { BusClient } from '@idp/bus';
import { BindCertificateError, CertificatesSubjects } from '@idp/contracts';
import { AdminGuard } from '../admin/admin.guard';
import { ConflictError, FieldValidationError, NotFoundError } from '../admin/admin-errors';
import { OAuthError } from '../oidc/errors/oauth.errors';
import { CertificateLoginService } from './certificate-login.service';
import { parseCertificate } from './certificate-parse';

export const BIND_ERRORS = {
  not_found: () => new NotFoundError('user'),
  already_bound: (m: string) => new ConflictError('certificate', m),
  bound_elsewhere: (m: string) => new ConflictError('certificate', m),
} satisfies Record<BindCertificateError, (message: string) => Error>;

/** An administrator binds a user's certificate without the possession challenge (e.g. after checking it in person). */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin/users/:id/certificates')
@UseGuards(AdminGuard)
export class AdminUserCertificatesController {
  constructor(
    private readonly bus: BusClient,
    private readonly login: CertificateLoginService,
  ) {}

  /** `{"certificate": "<PEM or base64 DER>"}`: must validate against the trust store as for a login. */
  @Post()
  @ApiOperation({ summary: "Bind a user's certificate (it must validate against the trust store)" })
  @ApiBody({ type: CertificateDto })
  @ApiCreatedResponse({ description: 'the bound certificate' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already bound to this or another account' })
  async bind(@Param('id') id: string, @Body() body: unknown) {
    const input = validBody(CertificateDto, body);
    const cert = parseCertificate(input.certificate);
    if (!cert) throw new FieldValidationError({ certificate: 'must be one X.509 certificate, PEM or base64 DER' });
    let valid;
    try {
      valid = await this.login.validate(cert);
    } catch (err) {
      if (err instanceof OAuthError) throw new FieldValidationError({ certificate: err.description });
      throw err;
    }
    const reply = await this.bus.request(CertificatesSubjects.bind, { sub: id, certificate: this.login.facts(cert, valid.prints), source: 'admin' });
    if (!reply.ok) throw BIND_ERRORS[reply.code](reply.message);
    return reply.value;
  }

  @Get()
  @ApiOperation({ summary: "The user's certificates" })
  @ApiOkResponse({ description: 'the certificates' })
  async list(@Param('id') id: string) {
    return this.bus.value(CertificatesSubjects.list, { sub: id });
  }

  @Delete(':certificateId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unbind a certificate' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async remove(@Param('id') id: string, @Param('certificateId') certificateId: string) {
    const reply = await this.bus.request(CertificatesSubjects.remove, { sub: id, id: certificateId });
    if (!reply.ok) throw new NotFoundError('certificate');
  }
}
