import { Injectable } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { InvalidRedirectTarget } from '../errors/oauth.errors';
import { ResourcesService } from '../resources.service';
import { AuthorizeCheck, AuthorizeContext } from './authorize-context';
import { checkPkce } from './checks/check-pkce';
import { checkRedirectUri } from './checks/check-redirect-uri';
import { checkHints, checkMaxAge, checkNonce, checkPrompt, checkState, checkUnsupported } from './checks/check-request-params';
import { checkResponseMode, checkResponseType } from './checks/check-response-type';
import { checkScope } from './checks/check-scope';

/** The authorization endpoint's checks, in the order they must run. */
@Injectable()
export class AuthorizeChecks {
  private readonly checks: AuthorizeCheck[];

  constructor(
    private readonly clients: ClientsService,
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
      checkPkce,
      checkNonce,
      checkPrompt,
      checkMaxAge,
      checkHints,
    ];
  }

  private readonly checkClient = async (ctx: AuthorizeContext): Promise<void> => {
    if (!ctx.params.client_id) throw new InvalidRedirectTarget('client_id is required');
    const client = await this.clients.find(ctx.params.client_id);
    if (!client) throw new InvalidRedirectTarget('the client is unknown');
    ctx.client = client;
    ctx.request.client_id = client.clientId;
  };

  /** Runs every check on ctx; throws the first failure, leaving ctx filled as far as it got. */
  async run(ctx: AuthorizeContext): Promise<void> {
    for (const check of this.checks) await check(ctx);
  }
}
