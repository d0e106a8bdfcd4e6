import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GrantType } from '@idp/domain';
import { ClientsService } from '../clients/clients.service';
import { InvalidRequest, OAuthError, UnauthorizedClient, UnsupportedGrantType } from '../errors/oauth.errors';
import { singleValued } from '../params';
import { MetricsService } from '../../ops/metrics.service';
import { EndpointRateLimits } from '../../rate-limit/endpoint-rate-limits.service';
import { GRANT_HANDLERS, GrantHandler } from './grant-handler';

/** POST /connect/token: authenticate the client, check the grant is allowed, dispatch. */
@Controller()
export class TokenController {
  private readonly handlers: Map<string, GrantHandler>;

  constructor(
    private readonly clients: ClientsService,
    private readonly metrics: MetricsService,
    private readonly limits: EndpointRateLimits,
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
  }

  @Post('connect/token')
  @HttpCode(200)
  async token(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    let grantType = 'unknown';
    let clientId = 'unknown';
    try {
      this.limits.precheck('token', req.ip);
      const params = singleValued(req.body);
      const client = await (async () => {
        if (!params.grant_type) throw new InvalidRequest('grant_type is required');
        grantType = this.handlers.has(params.grant_type) ? params.grant_type : 'unsupported';
        return this.clients.authenticate(req, params);
      })().catch(async (err) => {
        // A request refused before the client is known still counts for its address: guessing
        // secrets spends the same allowance.
        await this.limits.count('token', req.ip);
        throw err;
      });
      clientId = client.clientId;
      // The address and the client together, in one round trip to the counter store.
      await this.limits.count('token', req.ip, client.clientId);
      const handler = this.handlers.get(params.grant_type);
      if (!handler) throw new UnsupportedGrantType(`grant_type ${params.grant_type} is not supported`);
      const allowedAs = handler.allowedBy ?? [handler.grantType as GrantType];
      if (!allowedAs.some((g) => client.metadata.grant_types.includes(g))) {
        throw new UnauthorizedClient(`this client may not use the ${allowedAs.join(' or ')} grant`);
      }
      const missing = handler.required.filter((p) => params[p] === undefined);
      if (missing.length) throw new InvalidRequest(`missing parameter: ${missing.join(', ')}`);

      const response = await handler.handle(client, params, { ip: req.ip });
      void reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      this.metrics.tokenRequest(grantType, clientId, 'issued');
      return response;
    } catch (err) {
      this.metrics.tokenRequest(grantType, clientId, err instanceof OAuthError ? err.error : 'server_error');
      throw err;
    }
  }
}
