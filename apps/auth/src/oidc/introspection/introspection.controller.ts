import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { presentedCredentials } from '../clients/client-credentials';
import { ClientsService } from '../clients/clients.service';
import { InvalidRequest } from '../errors/oauth.errors';
import { singleValued } from '../params';
import { ResourcesService } from '../resources.service';
import { EndpointRateLimits } from '../../rate-limit/endpoint-rate-limits.service';
import { TokenLookupService } from '../tokens/token-lookup.service';
import { IntrospectionCaller, introspectionBody } from './introspection-response';

/** POST /connect/introspect (RFC 7662): for the token's client, or for the API it is meant for. */
@Controller()
export class IntrospectionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly resources: ResourcesService,
    private readonly lookup: TokenLookupService,
    private readonly limits: EndpointRateLimits,
  ) {}

  @Post('connect/introspect')
  @HttpCode(200)
  async introspect(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.limits.perIp('introspection', req.ip);
    const params = singleValued(req.body);
    const caller = await this.authenticate(req, params);
    await this.limits.perClient('introspection', caller.kind === 'client' ? caller.clientId : `resource:${caller.audience}`);
    if (!params.token) throw new InvalidRequest('missing parameter: token');
    const body = introspectionBody(await this.lookup.find(params.token), caller, this.config.issuer);
    void reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    return body;
  }

  /** A resource's client_id is never a client's (the admin API refuses the clash), so the id says which it is. */
  private async authenticate(req: FastifyRequest, params: Record<string, string>): Promise<IntrospectionCaller> {
    const creds = presentedCredentials(req, params);
    const resource = await this.resources.findByClientId(creds.clientId);
    if (resource) return { kind: 'resource', audience: this.resources.authenticate(resource, creds).audience };
    const client = await this.clients.authenticatePresented(creds, 'introspection');
    return { kind: 'client', clientId: client.clientId };
  }
}
