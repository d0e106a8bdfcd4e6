import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { checkScope } from '../oidc/authorize/checks/check-scope';
import { ClientsService } from '../oidc/clients/clients.service';
import { UnauthorizedClient } from '../oidc/errors/oauth.errors';
import { singleValued } from '../oidc/params';
import { bindToResource } from '../oidc/resource-indicator';
import { ResourcesService } from '../oidc/resources.service';
import { EndpointRateLimits } from '../rate-limit/endpoint-rate-limits.service';
import { DEVICE_CODE_GRANT } from '../oidc/token/grants/device-code.grant';
import { DeviceCodesService } from './device-codes.service';
import { formatUserCode } from './user-code';

/** POST /connect/deviceauthorization (RFC 8628 3.1/3.2). */
@Controller()
export class DeviceAuthorizationController {
  constructor(
    private readonly clients: ClientsService,
    private readonly resources: ResourcesService,
    private readonly devices: DeviceCodesService,
    private readonly limits: EndpointRateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('connect/deviceauthorization')
  @HttpCode(200)
  async authorize(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.limits.perIp('deviceAuthorization', req.ip);
    const params = singleValued(req.body);
    const client = await this.clients.authenticate(req, params);
    await this.limits.perClient('deviceAuthorization', client.clientId);
    if (!client.metadata.grant_types.includes(DEVICE_CODE_GRANT)) throw new UnauthorizedClient('this client may not use the device flow');

    // The same scope rules as the authorization endpoint.
    const ctx = { params: { scope: params.scope ?? '' }, client, request: {} as { scopes?: string[] } };
    await checkScope(this.resources)(ctx as never);
    let scopes = ctx.request.scopes!;
    // Bound here (RFC 8707), so the user approves exactly what the device will get.
    if (params.resource !== undefined) scopes = bindToResource(scopes, await this.resources.resolveIndicator(params.resource));

    const { deviceCode, userCode } = await this.devices.create(client, scopes, params.resource);
    const verificationUri = `${this.config.issuer}/device`;
    void reply.headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    return {
      device_code: deviceCode,
      user_code: formatUserCode(userCode),
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user-code=${userCode}`,
      expires_in: this.devices.ttl(client),
      interval: this.devices.interval(client),
    };
  }
}
