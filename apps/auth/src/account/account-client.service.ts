import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { ClientsService } from '../oidc/clients/clients.service';
import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { randomToken } from '../oidc/crypto';

export const ACCOUNT_CLIENT_ID = 'account';

/**
 * The cabinet signs people in as an internal first-party client: a signed-out visitor goes through
 * the ordinary authorization request (so every sign-in method, step and throttle applies), and
 * comes back to /account/callback with the SSO session set. The cabinet needs nothing but that
 * session: the code it receives is never redeemed (its PKCE verifier is thrown away at once, so
 * nobody can redeem it) and expires unused.
 */
@Injectable()
export class AccountClientService {
  private ensured?: Promise<void>;

  constructor(
    private readonly clients: ClientsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get redirectUri(): string {
    return `${this.config.issuer}/account/callback`;
  }

  /** Created on first use by whichever auth instance gets there first; kept in step with the issuer. */
  ensure(): Promise<void> {
    this.ensured ??= this.create().catch((err) => {
      this.ensured = undefined;
      throw err;
    });
    return this.ensured;
  }

  private async create(): Promise<void> {
    const { metadata, errors } = validateClientMetadata({
      client_name: 'Account',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid',
      allowed_login_methods: ['password', 'phone_otp', 'email_otp'],
      first_party: true,
    });
    if (Object.keys(errors).length) throw new Error(`account client metadata: ${JSON.stringify(errors)}`);
    const existing = await this.clients.find(ACCOUNT_CLIENT_ID);
    if (existing && existing.metadata.redirect_uris.includes(this.redirectUri)) return;
    if (existing) await this.clients.update(ACCOUNT_CLIENT_ID, metadata);
    else await this.clients.create(metadata, ACCOUNT_CLIENT_ID).catch(async (err) => {
      // Another instance created it a moment ago.
      if (!(await this.clients.find(ACCOUNT_CLIENT_ID))) throw err;
    });
  }

  /** The authorization request that signs a visitor in; `state` comes back to the callback. */
  signInUrl(state: string, locale?: string): string {
    const challenge = createHash('sha256').update(randomToken()).digest('base64url');
    const params = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: this.redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(locale ? { ui_locales: locale } : {}),
    });
    return `/connect/authorize?${params}`;
  }
}
