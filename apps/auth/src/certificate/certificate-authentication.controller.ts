import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientsService } from '../oidc/clients/clients.service';
import { InvalidRequest, UnauthorizedClient } from '../oidc/errors/oauth.errors';
import { singleValued } from '../oidc/params';
import { CertificateChallengesService } from './certificate-challenges.service';
import { notACertificate } from './certificate-errors';
import { CertificateLoginService } from './certificate-login.service';
import { parseCertificate } from './certificate-parse';

/**
 * Step 1 of Kontur's certificate login: the client (authenticated by its own method) sends the
 * user's certificate as `public_key`; a valid one gets `encrypted_key`, a fresh random key as a
 * compact JWE only the private key's holder can open, for step 2 at the token endpoint.
 */
@Controller()
export class CertificateAuthenticationController {
  constructor(
    private readonly clients: ClientsService,
    private readonly login: CertificateLoginService,
    private readonly challenges: CertificateChallengesService,
  ) {}

  @Post('authentication/certificate')
  @HttpCode(200)
  async challenge(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const params = singleValued(req.body);
    const client = await this.clients.authenticate(req, params);
    if (!client.metadata.grant_types.includes('certificate')) throw new UnauthorizedClient('this client may not use the certificate grant');
    this.login.assertClientMay(client);
    if (!params.public_key) throw new InvalidRequest('missing parameter: public_key');
    const cert = parseCertificate(params.public_key);
    if (!cert) throw notACertificate('public_key');
    const valid = await this.login.validate(cert);
    await this.challenges.sweep();
    const created = await this.challenges.create(cert, valid.prints, { purpose: 'token', clientId: client.clientId });
    void reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    return { encrypted_key: created.encryptedKey, trusted_thumbprints: valid.chainSha1, expires_in: this.challenges.ttl };
  }
}
