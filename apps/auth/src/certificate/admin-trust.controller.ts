import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HttpException } from '@nestjs/common';
import { AdminGuard } from '../admin/admin.guard';
import { ConflictError, FieldValidationError, NotFoundError, requireObject } from '../admin/admin-errors';
import { parseCertificate, parseCrl } from './certificate-parse';
import { TrustStoreService } from './trust-store.service';

/** The trust store of certificate login: CA certificates and CRLs, for every auth instance at once. */
@ApiTags('admin')
@ApiBearerAuth('admin_token')
@Controller('admin')
@UseGuards(AdminGuard)
export class AdminTrustController {
  constructor(private readonly trust: TrustStoreService) {}

  /** `{"certificate": "<PEM or base64 DER of a CA certificate>"}`; 201 with the stored anchor. */
  @Post('trust-anchors')
  async addAnchor(@Body() body: unknown) {
    const input = requireObject(body);
    const cert = parseCertificate(input.certificate);
    if (!cert) throw new FieldValidationError({ certificate: 'must be one X.509 certificate, PEM or base64 DER' });
    const result = await this.trust.add(cert);
    if (result.ok) return result.anchor;
    if (result.problem === 'not_a_ca') throw new FieldValidationError({ certificate: 'is not a CA certificate (basicConstraints cA)' });
    throw new ConflictError('certificate', 'this CA certificate is already trusted');
  }

  @Get('trust-anchors')
  listAnchors() {
    return this.trust.list();
  }

  @Delete('trust-anchors/:id')
  @HttpCode(204)
  async removeAnchor(@Param('id') id: string) {
    const outcome = await this.trust.remove(id);
    if (outcome === 'not_found') throw new NotFoundError('trust anchor');
    if (outcome === 'from_config') throw new ConflictError('id', 'this anchor comes from CERT_TRUST_BUNDLE; remove it there');
  }

  /** `{"crl": "<PEM or base64 DER>"}`: signed by a trusted CA, not past its nextUpdate; replaces an older CRL of its issuer. */
  @Post('crls')
  async addCrl(@Body() body: unknown) {
    const input = requireObject(body);
    const crl = parseCrl(input.crl);
    if (!crl) throw new FieldValidationError({ crl: 'must be an X.509 CRL, PEM or base64 DER' });
    const result = await this.trust.addCrl(crl, new Date());
    if (result.ok) return result.crl;
    if (result.problem === 'unknown_issuer') throw new FieldValidationError({ crl: 'is not signed by a trusted CA certificate' });
    if (result.problem === 'stale') throw new FieldValidationError({ crl: 'is past its nextUpdate' });
    throw new HttpException({ error: 'conflict', error_description: 'a newer CRL of this issuer is already loaded', fields: { crl: 'older than the loaded one' } }, 409);
  }

  @Get('crls')
  listCrls() {
    return this.trust.listCrls();
  }
}
