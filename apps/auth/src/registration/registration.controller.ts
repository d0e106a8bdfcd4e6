import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ClientMetadataDto } from '../admin/dto/client-metadata.dto';
import { RegisteredClientDto, RegistrationErrorDto } from './dto/registration.dto';
import { Outbound } from '@idp/outbound';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { ClientMetadata } from '@idp/domain';
import { Client, ClientsService } from '../oidc/clients/clients.service';
import { resolveSector } from '../oidc/clients/sector';
import { InvalidClientMetadata, InvalidToken } from '../oidc/errors/oauth.errors';
import { PARTNER_USER_SCOPES, USER_SCOPES } from '../oidc/resources.service';
import { InitialAccessTokensService } from './initial-access-tokens.service';
import { registrationError, validateSelfService } from './registration-metadata';
import { RegistrationTokensService } from './registration-tokens.service';
import { sha256 } from '../oidc/crypto';
import { EndpointRateLimits } from '../rate-limit/endpoint-rate-limits.service';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
/** Values the server provisions (RFC 7592 2.2): a client echoing them back from a read is not refused for it. */
const PROVISIONED = ['client_id', 'client_secret', 'client_secret_expires_at', 'client_id_issued_at', 'registration_access_token', 'registration_client_uri'];

function bearer(req: FastifyRequest, what: string): string {
  const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new InvalidToken(`${what} is required as Authorization: Bearer <token>`);
  return m[1];
}

function metadataInput(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidClientMetadata('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * Dynamic client registration (RFC 7591) behind an initial access token, and the client's own
 * configuration endpoint (RFC 7592) behind the registration access token it got then.
 */
@ApiTags('registration')
@ApiExtraModels(RegistrationErrorDto)
@Controller('connect/register')
export class RegistrationController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly initialTokens: InitialAccessTokensService,
    private readonly registrationTokens: RegistrationTokensService,
    private readonly outbound: Outbound,
    private readonly limits: EndpointRateLimits,
  ) {}

  @Post()
  @ApiBearerAuth('initial_access_token')
  @ApiBody({ type: ClientMetadataDto, description: 'RFC 7591 metadata; our own settings are ignored here' })
  @ApiCreatedResponse({ type: RegisteredClientDto })
  @ApiBadRequestResponse({ type: RegistrationErrorDto, description: 'invalid_redirect_uri or invalid_client_metadata' })
  @ApiUnauthorizedResponse({ type: RegistrationErrorDto, description: 'invalid_token' })
  async register(@Req() req: FastifyRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.limits.perIp('registration', req.ip);
    const initial = bearer(req, 'an initial access token');
    // Per client here means per initial access token (never its value, only a digest of it).
    await this.limits.perClient('registration', `iat:${sha256(initial).slice(0, 22)}`);
    const usable = await this.initialTokens.usable(initial);
    if (!usable) throw new InvalidToken('the initial access token is invalid, expired or used up');
    // Partner scopes, the cabinet's (account: changing the account itself; picture, photo) and
    // organisation membership only when the initial access token names them.
    const allowedScope = usable.scope ?? USER_SCOPES.filter((s) => !PARTNER_USER_SCOPES.includes(s) && !['account', 'picture', 'photo', 'organization'].includes(s)).join(' ');
    const metadata = await this.validated(metadataInput(body), allowedScope);
    // Taken only now, so a request refused for its metadata does not use up a single-use token.
    const initialId = await this.initialTokens.consume(initial);
    if (!initialId) throw new InvalidToken('the initial access token is invalid, expired or used up');
    const { client, secret } = await this.clients.create(metadata);
    const registrationToken = await this.registrationTokens.issue(client.clientId, initialId, allowedScope);
    void reply.status(201).headers(NO_STORE);
    return this.view({ ...client, createdAt: new Date() }, secret, registrationToken);
  }

  @Get(':client_id')
  @ApiBearerAuth('registration_access_token')
  @ApiOkResponse({ type: RegisteredClientDto })
  @ApiUnauthorizedResponse({ type: RegistrationErrorDto, description: 'invalid_token' })
  async read(@Req() req: FastifyRequest, @Param('client_id') clientId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const client = await this.authorized(req, clientId);
    void reply.headers(NO_STORE);
    return this.view(client);
  }

  /** RFC 7592 2.2: the body replaces the client's metadata; what it leaves out goes back to the defaults. */
  @Put(':client_id')
  @ApiBearerAuth('registration_access_token')
  @ApiBody({ type: ClientMetadataDto, description: 'replaces the metadata; client_id must be this client' })
  @ApiOkResponse({ type: RegisteredClientDto })
  @ApiBadRequestResponse({ type: RegistrationErrorDto })
  @ApiUnauthorizedResponse({ type: RegistrationErrorDto, description: 'invalid_token' })
  async update(@Req() req: FastifyRequest, @Param('client_id') clientId: string, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const current = await this.authorized(req, clientId);
    const input = metadataInput(body);
    if (input.client_id !== clientId) throw new InvalidClientMetadata('client_id must be present and be this client\'s identifier');
    if (input.client_secret !== undefined && !(await this.clients.secretMatches(clientId, input.client_secret))) {
      throw new InvalidClientMetadata('client_secret does not match the current secret');
    }
    const own = Object.fromEntries(Object.entries(input).filter(([k]) => !PROVISIONED.includes(k)));
    const metadata = await this.validated(own, current.allowedScope, current.metadata);
    const updated = await this.clients.update(clientId, metadata);
    if (!updated) throw new InvalidToken('the registration access token is invalid');
    void reply.headers(NO_STORE);
    return this.view({ ...updated.client, createdAt: current.createdAt }, updated.secret);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @ApiBearerAuth('registration_access_token')
  @ApiNoContentResponse({ description: 'removed' })
  @ApiUnauthorizedResponse({ type: RegistrationErrorDto, description: 'invalid_token' })
  async remove(@Req() req: FastifyRequest, @Param('client_id') clientId: string) {
    await this.authorized(req, clientId);
    await this.clients.remove(clientId);
  }

  private async validated(input: Record<string, unknown>, allowedScope: string, stored?: ClientMetadata): Promise<ClientMetadata> {
    const { metadata, errors } = validateSelfService(input, stored);
    if (Object.keys(errors).length) throw registrationError(errors);
    // Without a limit, anyone holding an initial access token could give itself every API's scopes.
    const allowed = allowedScope.split(' ');
    const beyond = metadata.scope.split(' ').filter((s) => !allowed.includes(s));
    if (beyond.length) throw new InvalidClientMetadata(`scope ${beyond.join(' ')} is not allowed; this registration may ask for ${allowedScope}`);
    const sector = await resolveSector(metadata, this.outbound);
    if (Object.keys(sector.errors).length) throw registrationError(sector.errors);
    if (sector.sector) metadata.sector = sector.sector;
    return metadata;
  }

  /** RFC 7592 2: a wrong token and an unknown client both answer 401, so neither tells the other apart. */
  private async authorized(req: FastifyRequest, clientId: string): Promise<Client & { createdAt?: Date; allowedScope: string }> {
    await this.limits.perIp('registration', req.ip);
    const token = bearer(req, 'the registration access token');
    const client = await this.clients.findWithDates(clientId);
    const registration = client && (await this.registrationTokens.verify(clientId, token));
    if (!client || !registration) throw new InvalidToken('the registration access token is invalid');
    await this.limits.perClient('registration', clientId);
    return { ...client, allowedScope: registration.allowedScope };
  }

  private view(client: Client & { createdAt?: Date }, secret?: string, registrationToken?: string) {
    const { sector: _sector, ...metadata } = client.metadata;
    return {
      client_id: client.clientId,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...(client.createdAt ? { client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000) } : {}),
      ...metadata,
      ...(registrationToken ? { registration_access_token: registrationToken } : {}),
      registration_client_uri: `${this.config.issuer}/connect/register/${encodeURIComponent(client.clientId)}`,
    };
  }
}
