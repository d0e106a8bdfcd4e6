import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@idp/bus';
import { checkScope } from '../oidc/authorize/checks/check-scope';
import { Client } from '../oidc/clients/clients.service';
import { ResourcesService } from '../oidc/resources.service';
import { GrantHandler, TokenResponse } from '../oidc/token/grant-handler';
import { TokenSetService } from '../oidc/token/token-set.service';
import { GrantsService } from '../oidc/tokens/grants.service';
import { TokenIssuerService } from '../oidc/tokens/token-issuer.service';
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
 * the account it is bound to.
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
    private readonly grants: GrantsService,
    private readonly tokens: TokenSetService,
    private readonly issuer: TokenIssuerService,
    private readonly events: EventPublisher,
  ) {}

  async handle(client: Client, params: Record<string, string>): Promise<TokenResponse> {
    this.login.assertClientMay(client);
    const thumbprint = normaliseThumbprint(params.thumbprint);
    if (!thumbprint) throw badThumbprint();
    const ctx = { params: { scope: params.scope ?? client.metadata.scope }, client, request: {} as { scopes?: string[] } };
    await checkScope(this.resources)(ctx as never);
    const scopes = ctx.request.scopes!;
    const target = await this.tokens.target(scopes, null);

    const sub = await this.account(client, params.decrypted_key, thumbprint);
    // Second factor: when accounts gains 2FA, an account that has one answers here with the password
    // grant's partial_factor_token continuation instead of tokens (the seam is this one call).
    const outcome = await this.grants.db.transaction(async (tx) => {
      const grant = await this.grants.createGrant(tx, { clientId: client.clientId, userId: sub, scopes, sessionId: null, authTime: new Date(), amr: CERTIFICATE_AMR });
      const refresh = this.tokens.wantsRefreshToken(client, scopes) ? await this.grants.issueRefreshToken(tx, grant, scopes, this.issuer.refreshTokenTtl(client)) : undefined;
      return { grant, refresh };
    });
    this.events.publish('user.login_succeeded', { sub, client_id: client.clientId, amr: CERTIFICATE_AMR });
    return this.tokens.forUser(client, outcome.grant, target, { refreshToken: outcome.refresh, withIdToken: true });
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
