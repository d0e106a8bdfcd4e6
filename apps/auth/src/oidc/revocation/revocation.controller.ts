import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientsService } from '../clients/clients.service';
import { InvalidRequest, UnsupportedTokenType } from '../errors/oauth.errors';
import { singleValued } from '../params';
import { GrantsService } from '../tokens/grants.service';
import { RevocationsService } from '../tokens/revocations.service';
import { TokenLookupService } from '../tokens/token-lookup.service';

/**
 * POST /connect/revocation (RFC 7009). A refresh token takes its whole grant with it, so the
 * access tokens issued from that grant die too; an access token alone goes on the deny-list.
 * An unknown or expired token is answered 200, as there is nothing left to revoke (2.2).
 */
@Controller()
export class RevocationController {
  constructor(
    private readonly clients: ClientsService,
    private readonly lookup: TokenLookupService,
    private readonly grants: GrantsService,
    private readonly revocations: RevocationsService,
  ) {}

  @Post('connect/revocation')
  @HttpCode(200)
  async revoke(@Req() req: FastifyRequest): Promise<void> {
    const params = singleValued(req.body);
    const client = await this.clients.authenticate(req, params, 'revocation');
    if (!params.token) throw new InvalidRequest('missing parameter: token');
    const token = await this.lookup.find(params.token);
    if (!token) return;
    if (token.kind === 'other') throw new UnsupportedTokenType('only access tokens and refresh tokens can be revoked');
    const owner = token.kind === 'access_token' ? token.claims.client_id : token.row.client_id;
    // RFC 7009 2.1: the token must have been issued to the client asking.
    if (owner !== client.clientId) throw new InvalidRequest('the token was not issued to this client');
    if (token.kind === 'refresh_token') await this.grants.revokeGrant(token.row.grant_id, 'refresh token revoked by the client');
    else await this.revocations.revokeAccessToken(String(token.claims.jti), Number(token.claims.exp));
  }
}
