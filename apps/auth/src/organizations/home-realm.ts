import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { BusClient } from '@idp/bus';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { OrganisationsSubjects as S } from '@idp/contracts';
import { InteractionEntity } from '@idp/domain';
import { Client } from '../oidc/clients/clients.service';
import { randomToken, sha256 } from '../oidc/crypto';
import { UpstreamProvider, UpstreamProvidersService } from './upstream-providers.service';

export const BROWSER_COOKIE = 'idp_federated';
export const CALLBACK_PATH = '/interaction/federated/callback';
/** How long a trip to the upstream may take. */
export const TRIP_SECONDS = 600;

/**
 * Home-realm discovery: an e-mail address on a verified domain whose organisation has an upstream
 * identity provider goes there, whichever login form it was typed into, when the client allows
 * `federated`. The answer depends on the domain only, never on whether an account exists.
 */
@Injectable()
export class HomeRealm {
  constructor(
    private readonly bus: BusClient,
    private readonly providers: UpstreamProvidersService,
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The upstream for this address, if the client allows company sign-in and the domain routes. */
  async providerFor(client: Client | null, email: string): Promise<UpstreamProvider | null> {
    const address = email.trim();
    if (!address.includes('@') || !client?.metadata.allowed_login_methods.includes('federated')) return null;
    const route = await this.bus.request(S.route, { email: address });
    if (!route.ok) return null;
    return (await this.providers.forOrganization(route.value.organization_id))[0] ?? null;
  }

  /** Starts the trip (state, nonce, PKCE S256, a cookie binding it to this browser) and redirects. */
  async send(reply: FastifyReply, interaction: InteractionEntity, provider: UpstreamProvider, email: string): Promise<void> {
    const state = randomToken();
    const nonce = randomToken();
    const verifier = randomToken();
    const browser = randomToken();
    await this.db.query(
      `INSERT INTO auth.federated_logins (state_hash, interaction_id, provider_id, organization_id, nonce, code_verifier, browser_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [sha256(state), interaction.id, provider.id, provider.organizationId, nonce, verifier, sha256(browser)],
    );
    void reply.setCookie(BROWSER_COOKIE, browser, { path: CALLBACK_PATH, httpOnly: true, sameSite: 'lax', secure: this.config.issuer.startsWith('https://'), maxAge: TRIP_SECONDS });
    const url = new URL(provider.authorizationEndpoint);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: this.config.issuer + CALLBACK_PATH,
      state,
      code_challenge: sha256(verifier),
      code_challenge_method: 'S256',
      login_hint: email.trim(),
    };
    if (provider.scopes.length) params.scope = provider.scopes.join(' ');
    if (provider.kind === 'oidc') params.nonce = nonce;
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    void reply.redirect(url.toString(), 303);
  }

  /** Sends the browser upstream when the address routes; false when the form should carry on as usual. */
  async divert(reply: FastifyReply, interaction: InteractionEntity, client: Client | null, email: string): Promise<boolean> {
    const provider = await this.providerFor(client, email);
    if (!provider) return false;
    await this.send(reply, interaction, provider, email);
    return true;
  }
}
