import { AuthorizationRequest } from '@idp/domain';
import { Client } from '../clients/clients.service';

/**
 * What the authorization endpoint knows so far. Checks run in order and fill it in; once `client`
 * and `redirectUri` are trusted, errors go back to the client by redirect.
 */
export interface AuthorizeContext {
  params: Record<string, string>;
  client?: Client;
  redirectUri?: string;
  responseMode?: string;
  request: Partial<AuthorizationRequest>;
}

export interface AuthorizeCheck {
  (ctx: AuthorizeContext): void | Promise<void>;
}
