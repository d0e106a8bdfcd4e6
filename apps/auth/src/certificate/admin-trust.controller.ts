import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { validBody } from '../admin/dto/dto-problems';
import { ApiErrorDto } from '../admin/dto/errors.dto';
import { CertificateDto, CrlDto } from './dto/trust.dto';
import { HttpException } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard';
import { ConflictError, FieldValidationError, NotFoundError } from '../admin/admin-errors';
import { parseCertificate, parseCrl } from './certificate-parse';
import { TrustStoreService } from './trust-store.service';

/** The trust store of certificate login: CA certificates and CRLs, for every auth instance at once. */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@ApiUnauthorizedResponse({ description: 'no or a wrong ADMIN_TOKEN', type: ApiErrorDto })
@Controller('admin')
@UseGuards(AdminGuard)
export class AdminTrustController {
  constructor(private readonly trust: TrustStoreService) {}

  /** `{"certificate": "<PEM or base64 DER of a CA certificate>"}`; 201 with the stored anchor. */
  @Post('trust-anchors')
  @ApiOperation({ summary: 'Trust a CA certificate for certificate login' })
  @ApiBody({ type: CertificateDto })
  @ApiCreatedResponse({ description: 'the stored trust anchor' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'not a certificate, or not a CA' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'already trusted' })
  async addAnchor(@Body() body: unknown) {
    const input = validBody(CertificateDto, body);
    const cert = parseCertificate(input.certificate);
    if (!cert) throw new FieldValidationError({ certificate: 'must be one X.509 certificate, PEM or base64 DER' });
    const result = await this.trust.add(cert);
    if (result.ok) return result.anchor;
    if (result.problem === 'not_a_ca') throw new FieldValidationError({ certificate: 'is not a CA certificate (basicConstraints cA)' });
    throw new ConflictError('certificate', 'this CA certificate is already trusted');
  }

  @Get('trust-anchors')
  @ApiOperation({ summary: 'The trusted CA certificates' })
  @ApiOkResponse({ description: 'the trust anchors' })
  listAnchors() {
    return this.trust.list();
  }

  @Delete('trust-anchors/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop trusting a CA certificate' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the anchor comes from CERT_TRUST_BUNDLE' })
  async removeAnchor(@Param('id') id: string) {
    const outcome = await this.trust.remove(id);
    if (outcome === 'not_found') throw new NotFoundError('trust anchor');
    if (outcome === 'from_config') throw new ConflictError('id', 'this anchor comes from CERT_TRUST_BUNDLE; remove it there');
  }

  /** `{"crl": "<PEM or base64 DER>"}`: signed by a trusted CA, not past its nextUpdate; replaces an older CRL of its issuer. */
  @Post('crls')
  @ApiOperation({ summary: "Load a trusted CA's certificate revocation list" })
  @ApiBody({ type: CrlDto })
  @ApiCreatedResponse({ description: 'the stored CRL' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'not a CRL, not signed by a trusted CA, or past its nextUpdate' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'a newer CRL of this issuer is loaded' })
  async addCrl(@Body() body: unknown) {
    const input = validBody(CrlDto, body);
    const crl = parseCrl(input.crl);
    if (!crl) throw new FieldValidationError({ crl: 'must be an X.509 CRL, PEM or base64 DER' });
    const result = await this.trust.addCrl(crl, new Date());
    if (result.ok) return result.crl;
    if (result.problem === 'unknown_issuer') throw new FieldValidationError({ crl: 'is not signed by a trusted CA certificate' });
    if (result.problem === 'stale') throw new FieldValidationError({ crl: 'is past its nextUpdate' });
    throw new HttpException({ error: 'conflict', error_description: 'a newer CRL of this issuer is already loaded', fields: { crl: 'older than the loaded one' } }, 409);
  }

  @Get('crls')
  @ApiOperation({ summary: 'The loaded CRLs' })
  @ApiOkResponse({ description: 'the CRLs' })
  listCrls() {
    return this.trust.listCrls();
  }
}
