import { GrantType } from '@idp/domain';
import { Client } from '../clients/clients.service';
import { FactorGrantType } from './second-factor/factor-grant-types';

/** The token endpoint's successful answer (RFC 6749 5.1, OpenID Connect Core 3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

/** One grant type. The token controller authenticates the client, checks the grant is allowed, and dispatches. */
export interface GrantHandler {
  readonly grantType: GrantType | FactorGrantType;
  /** Allowed to the clients that may use one of these grant types instead (a second factor continues the password or certificate grant). */
  readonly allowedBy?: readonly GrantType[];
  /** Parameters that must appear at most once and, where listed in `required`, at least once. */
  readonly parameters: readonly string[];
  readonly required: readonly string[];
  handle(client: Client, params: Record<string, string>, request: GrantRequestContext): Promise<TokenResponse>;
}

/** What a grant may need to know about the HTTP request itself. */
export interface GrantRequestContext {
  ip: string;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
