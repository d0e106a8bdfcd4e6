import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { ClientsService } from '../oidc/clients/clients.service';
import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';

export const DEMO_CLIENT_ID = 'demo';
export const DEMO_LOGIN = 'demo';
export const DEMO_PASSWORD = 'demo-password';

/**
 * Development only (DEMO=on, the embedded default): the /demo relying party's client and a demo
 * account, so a newcomer can sign in a minute after `npm start`.
 */
@Injectable()
export class DemoSetupService {
  private readonly logger = new Logger('demo');

  constructor(
    private readonly clients: ClientsService,
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ensure(): Promise<void> {
    const { metadata, errors } = validateClientMetadata({
      client_name: 'Demo application',
      redirect_uris: [`${this.config.issuer}/demo/callback`],
      post_logout_redirect_uris: [`${this.config.issuer}/demo`],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile email phone offline_access',
      allowed_login_methods: ['password', 'phone_otp', 'email_otp'],
    });
    if (Object.keys(errors).length) throw new Error(`demo client metadata: ${JSON.stringify(errors)}`);
    if (await this.clients.find(DEMO_CLIENT_ID)) await this.clients.update(DEMO_CLIENT_ID, metadata);
    else await this.clients.create(metadata, DEMO_CLIENT_ID);

    const user = await this.bus.request(AccountsSubjects.userCreate, {
      login: DEMO_LOGIN,
      password: DEMO_PASSWORD,
      given_name: 'Demo',
      family_name: 'User',
      email: 'demo@example.com',
      verified: true,
    });
    if (user.ok) this.logger.warn(`DEMO account created: login "${DEMO_LOGIN}", password "${DEMO_PASSWORD}" (development only; set DEMO=off in production)`);
    else if (user.code !== 'login_taken' && user.code !== 'email_taken') throw new Error(`demo user: ${user.message}`);
  }
}
