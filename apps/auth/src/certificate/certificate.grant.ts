import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@idp/bus';
import { checkScope } from '../oidc/authorize/checks/check-scope';
import { Client } from '../oidc/clients/clients.service';
import { ResourcesService } from '../oidc/resources.service';
import { GrantHandler, TokenResponse } from '../oidc/token/grant-handler';
import { FirstFactorPassedService } from '../oidc/token/second-factor/first-factor-passed.service';
import { CertificateChallengesService, decodeKey } from './certificate-challenges.service';
import { CertificateRefused, badThumbprint } from './certificate-errors';
import { CertificateLoginService } from './certificate-login.service';
import { normaliseThumbprint, parseCertificate } from './certificate-parse';

/** How a certificate login is recorded in `amr` (the method's name; RFC 8176 has no X.509 value). */
export const CERTIFICATE_AMR = ['x509'];

/**
 * Step 2 of Kontur's certificate login, `grant_type=certificate`: `decrypted_key` (base64 of the
 * key inside step 1's JWE) and `thumbprint` (SHA-1 hex as Kontur sends it, or SHA-256). The
 * certificate is checked again (it may have been revoked in between), then tokens are issued for
 * the account it is bound to, or, when the account needs a second factor, the partial_factor_token
 * continuation the factor grants finish (`amr` then `x509`, the factor, `mfa`).
 */
@Injectable()
export class CertificateGrant implements GrantHandler {
  readonly grantType = 'certificate';
  readonly parameters = ['decrypted_key', 'thumbprint', 'scope'] as const;
  readonly required = ['decrypted_key', 'thumbprint'] as const;

  constructor(
    private readonly login: CertificateLoginService,
    private readonly challenges: CertificateChallengesService,
    private readonly resources: ResourcesService,
    private readonly firstFactor: FirstFactorPassedService,
    private readonly events: EventPublisher,
  ) {}

  async handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    this.login.assertClientMay(client);
    const thumbprint = normaliseThumbprint(params.thumbprint);
    if (!thumbprint) throw badThumbprint();
    const ctx = { params: { scope: params.scope ?? client.metadata.scope }, client, request: {} as { scopes?: string[] } };
    await checkScope(this.resources)(ctx as never);
    const scopes = ctx.request.scopes!;

    const sub = await this.account(client, params.decrypted_key, thumbprint);
    // An account that needs a second factor answers with the partial_factor_token continuation, like the password grant.
    const tokens = await this.firstFactor.continue(client, sub, scopes, CERTIFICATE_AMR);
    this.events.publish('user.login_succeeded', { sub, client_id: client.clientId, amr: CERTIFICATE_AMR });
    return tokens;
  }

  /** The challenge answered, the certificate still valid, its account; a refusal is also a failed login event. */
  private async account(client: Client, decryptedKey: string, thumbprint: string): Promise<string> {
    try {
      const challenge = await this.challenges.consume({ purpose: 'token', clientId: client.clientId }, decodeKey(decryptedKey), thumbprint);
      const valid = await this.login.validate(parseCertificate(challenge.pem)!);
      return await this.login.account(valid.cert, valid.prints);
    } catch (err) {
      if (err instanceof CertificateRefused) this.events.publish('user.login_failed', { client_id: client.clientId, reason: `certificate_${err.refusal}` });
      throw err;
    }
  }
}
