import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { BusClient } from '@idp/bus';
import { ConsentSubjects } from '@idp/contracts';
import { AuthorizationRequest } from '@idp/domain';
import { Client } from '../clients/clients.service';
import { OAuthError } from '../errors/oauth.errors';
import { RESPONSE_MODES, defaultResponseMode } from '../response-modes/response-mode';
import { GrantsService } from '../tokens/grants.service';

/** Where and how an authorization response goes. */
export interface ResponseTarget {
  redirect_uri: string;
  state?: string;
  response_mode?: string;
  response_type?: string;
}

export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
  authTime: Date;
}

/** Finishing an authorization request: consent decisions, codes, and the response to the client. */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly grants: GrantsService,
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True when the user must be asked: prompt=consent, or scopes not granted before (first-party clients are never asked). */
  async needsConsent(client: Client, request: AuthorizationRequest, userId: string): Promise<boolean> {
    if (request.prompt.includes('consent')) return true;
    if (client.metadata.first_party) return false;
    const record = await this.bus.value(ConsentSubjects.consentGet, { userId, clientId: client.clientId });
    return request.scopes.some((s) => s !== 'openid' && !record.scopes.includes(s));
  }

  /** Issues the code and sends the successful response. */
  async complete(reply: FastifyReply, request: AuthorizationRequest, user: AuthenticatedUser): Promise<void> {
    const { code } = await this.grants.createGrantWithCode(
      { clientId: request.client_id, userId: user.userId, scopes: request.scopes, sessionId: user.sessionId, authTime: user.authTime },
      { redirectUri: request.redirect_uri, nonce: request.nonce, codeChallenge: request.code_challenge },
    );
    this.respond(reply, request, { code, scope: request.scopes.join(' ') });
  }

  /** Sends an error to the client's redirect URI (RFC 6749 4.1.2.1). */
  fail(reply: FastifyReply, request: ResponseTarget, err: OAuthError): void {
    this.respond(reply, request, err.body());
  }

  /** Every authorization response carries state and iss (RFC 9207). */
  respond(
    reply: FastifyReply,
    request: ResponseTarget,
    params: Record<string, string>,
  ): void {
    const out: Record<string, string> = { ...params };
    if (request.state !== undefined) out.state = request.state;
    out.iss = this.config.issuer;
    const mode = RESPONSE_MODES[request.response_mode ?? ''] ?? RESPONSE_MODES[defaultResponseMode(request.response_type ?? 'code')];
    mode.send(reply, request.redirect_uri, out);
  }
}
