import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BindCertificateRequest, CertificatesSubjects, ListCertificatesRequest, RemoveCertificateRequest, ResolveCertificateRequest, ok } from '@idp/contracts';
import { CertificatesService } from './certificates.service';

/** The bus surface of certificates bound to accounts. */
@Controller()
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @MessagePattern(CertificatesSubjects.bind)
  bind(@Payload() req: BindCertificateRequest) {
    return this.certificates.bind(req);
  }

  @MessagePattern(CertificatesSubjects.list)
  async list(@Payload() req: ListCertificatesRequest) {
    return ok(await this.certificates.list(req?.sub));
  }

  @MessagePattern(CertificatesSubjects.remove)
  remove(@Payload() req: RemoveCertificateRequest) {
    return this.certificates.remove(req?.sub, req?.id);
  }

  @MessagePattern(CertificatesSubjects.resolve)
  resolve(@Payload() req: ResolveCertificateRequest) {
    return this.certificates.resolve(req ?? { sha256: '' });
  }
}
