import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { SigningKeysService } from '../keys/signing-keys.service';
import { ClientsService } from '../clients/clients.service';
import { InvalidRedirectTarget, InvalidRequest } from '../errors/oauth.errors';
import { ResourcesService } from '../resources.service';
import { AuthorizeCheck, AuthorizeContext } from './authorize-context';
import { checkPkce } from './checks/check-pkce';
import { checkRedirectUri } from './checks/check-redirect-uri';
import { checkHints, checkMaxAge, checkNonce, checkPrompt, checkState, checkUnsupported } from './checks/check-request-params';
import { checkNonceRequired, checkOpenidForIdToken, checkResponseMode, checkResponseType } from './checks/check-response-type';
import { checkResource } from './checks/check-resource';
import { checkScope } from './checks/check-scope';
import { checkBin, checkIin, checkOtpConfirmation } from './checks/check-partner-hints';

/** The authorization endpoint's checks, in the order they must run. */
@Injectable()
export class AuthorizeChecks {
  private readonly checks: AuthorizeCheck[];

  constructor(
    private readonly clients: ClientsService,
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    resources: ResourcesService,
  ) {
    this.checks = [
      this.checkClient,
      checkRedirectUri,
      checkResponseMode,
      checkState,
      checkUnsupported,
      checkResponseType,
      checkScope(resources),
      checkResource(resources),
      checkOpenidForIdToken,
      checkPkce,
      checkNonce,
      checkNonceRequired,
      checkPrompt,
      checkMaxAge,
      checkHints,
      this.checkIdTokenHint,
      checkIin,
      checkBin,
      checkOtpConfirmation,
    ];
  }

  private readonly checkClient = async (ctx: AuthorizeContext): Promise<void> => {
    if (!ctx.params.client_id) throw new InvalidRedirectTarget('client_id is required');
    const client = await this.clients.find(ctx.params.client_id);
    if (!client) throw new InvalidRedirectTarget('the client is unknown');
    ctx.client = client;
    ctx.request.client_id = client.clientId;
  };

  /** A previous ID token of ours for this client names the expected user; an expired one still does (Core 3.1.2.1). */
  private readonly checkIdTokenHint = async (ctx: AuthorizeContext): Promise<void> => {
    const hint = ctx.params.id_token_hint;
    if (hint === undefined) return;
    let iat: number;
    try {
      iat = Number(decodeJwt(hint).iat ?? 0);
    } catch {
      throw new InvalidRequest('id_token_hint is not a JWT');
    }
    try {
      const ring = await this.keys.keyRing();
      const { payload } = await ring.verify(hint, { issuer: this.config.issuer, audience: ctx.client!.clientId, currentDate: new Date(iat * 1000) });
      ctx.request.id_token_hint_sub = String(payload.sub);
    } catch {
      throw new InvalidRequest('id_token_hint was not issued by this provider to this client');
    }
  };

  /** Runs every check on ctx; throws the first failure, leaving ctx filled as far as it got. */
  async run(ctx: AuthorizeContext): Promise<void> {
    for (const check of this.checks) await check(ctx);
  }
}
