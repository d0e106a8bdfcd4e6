import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { BusClient } from '@idp/bus';
import { ConsentSubjects } from '@idp/contracts';
import { AuthorizationRequest } from '@idp/domain';
import { DeviceCodesService } from '../../device/device-codes.service';
import { renderDeviceOutcome } from '../../device/device.views';
import { pickLocale } from '../../interaction/i18n';
import { Client, ClientsService } from '../clients/clients.service';
import { AccessDenied, OAuthError } from '../errors/oauth.errors';
import { RESPONSE_MODES, defaultResponseMode } from '../response-modes/response-mode';
import { AuthorizationResponseService } from './authorization-response.service';
import { OrganizationAccess } from '../../organizations/organization-access';

/** Where and how an authorization response goes. */
export interface ResponseTarget {
  redirect_uri: string;
  state?: string;
  response_mode?: string;
  response_type?: string;
  /** The scope asked for, echoed on every error (Aitu's clients read it there). */
  scope?: string;
}

/** Where a user stopped an interaction, sent with access_denied (Aitu's cancel parameters). */
export interface CancelDetails {
  stage: string;
  requestId: string;
  /** The interaction's last recorded error; left out when there was none. */
  reason?: string | null;
}

export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
  authTime: Date;
  /** Authentication methods used (RFC 8176): pwd, otp, mfa, ... */
  amr: string[];
}

/** Finishing an authorization request: consent decisions, codes, and the response to the client. */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly responses: AuthorizationResponseService,
    private readonly bus: BusClient,
    private readonly devices: DeviceCodesService,
    private readonly clients: ClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly organizations: OrganizationAccess,
  ) {}

  /**
   * True when the user must be asked: prompt=consent, or scopes (or an API) not granted before.
   * First-party clients are not asked, except for offline_access: staying signed in while the user
   * is away is always the user's own explicit choice.
   */
  async needsConsent(client: Client, request: AuthorizationRequest, userId: string): Promise<boolean> {
    if (request.prompt.includes('consent')) return true;
    const offline = request.scopes.includes('offline_access');
    if (client.metadata.first_party && !offline) return false;
    const record = await this.bus.value(ConsentSubjects.consentGet, { userId, clientId: client.clientId });
    if (client.metadata.first_party) return !record.scopes.includes('offline_access');
    const newResource = !!request.resource && !(record.resources ?? []).includes(request.resource);
    return newResource || request.scopes.some((s) => s !== 'openid' && !record.scopes.includes(s));
  }

  /** Issues the code and sends the successful response (or, for a device, records the approval). */
  async complete(reply: FastifyReply, request: AuthorizationRequest, user: AuthenticatedUser): Promise<void> {
    // Members-only and admins-only clients (allowed_organizations, admins_only), on every way in.
    const restricted = await this.clients.find(request.client_id);
    const refusal = restricted && (await this.organizations.refusal(restricted, user.userId));
    if (refusal) {
      if (request.device_user_code) return this.deny(reply, request, { stage: 'login', requestId: request.device_user_code, reason: refusal });
      const description = refusal === 'members_only' ? 'the client is only for members of its organizations' : 'the client is only for organization administrators';
      return this.fail(reply, { ...request, scope: request.scopes.join(' ') }, new AccessDenied(description), { cancel_reason: refusal });
    }
    if (request.device_user_code) {
      const approved = await this.devices.decide(request.device_user_code, { status: 'approved', userId: user.userId, sessionId: user.sessionId, authTime: user.authTime });
      return this.deviceOutcome(reply, request, approved ? 'done' : 'expired');
    }
    const client = await this.clients.find(request.client_id);
    if (!client) throw new AccessDenied('the client no longer exists');
    this.respond(reply, request, await this.responses.issue(client, request, user));
  }

  /** The user said no or cancelled: access_denied to the client with where it happened, or to the waiting device. */
  async deny(reply: FastifyReply, request: AuthorizationRequest, cancel: CancelDetails): Promise<void> {
    if (request.device_user_code) {
      const denied = await this.devices.decide(request.device_user_code, { status: 'denied' });
      return this.deviceOutcome(reply, request, denied ? 'denied' : 'expired');
    }
    const extra: Record<string, string> = { cancel_stage: cancel.stage, cancel_request_id: cancel.requestId };
    if (cancel.reason) extra.cancel_reason = cancel.reason;
    this.fail(reply, { ...request, scope: request.scopes.join(' ') }, new AccessDenied('the user denied the request'), extra);
  }

  private async deviceOutcome(reply: FastifyReply, request: AuthorizationRequest, outcome: 'done' | 'denied' | 'expired'): Promise<void> {
    const locale = pickLocale(request.ui_locales, reply.request.headers['accept-language']);
    const client = await this.clients.find(request.client_id);
    const vars = { client: client?.metadata.client_name ?? request.client_id };
    const page = {
      done: renderDeviceOutcome(locale, 'device.doneTitle', 'device.done', vars),
      denied: renderDeviceOutcome(locale, 'device.deniedTitle', 'device.denied', vars),
      expired: renderDeviceOutcome(locale, 'device.expiredTitle', 'device.expired'),
    }[outcome];
    void reply
      .status(outcome === 'expired' ? 410 : 200)
      .headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      .send(page);
  }

  /** Sends an error to the client's redirect URI (RFC 6749 4.1.2.1). */
  fail(reply: FastifyReply, request: ResponseTarget, err: OAuthError, extra: Record<string, string> = {}): void {
    this.respond(reply, request, { ...err.body(), scope: request.scope ?? '', ...extra });
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
