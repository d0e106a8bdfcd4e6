import { ClientMetadata, TokenEndpointAuthMethod } from '@idp/domain';

/** The back-channel endpoints where a client authenticates, each with its own registered method. */
export type BackchannelEndpoint = 'token' | 'introspection' | 'revocation';

/** Path of each endpoint under the issuer; an assertion may name it as its audience. */
export const ENDPOINT_PATHS: Record<BackchannelEndpoint, string> = {
  token: '/connect/token',
  introspection: '/connect/introspect',
  revocation: '/connect/revocation',
};

/** The method the client registered for this endpoint; introspection and revocation default to the token endpoint's. */
export function authMethodFor(m: ClientMetadata, endpoint: BackchannelEndpoint): TokenEndpointAuthMethod {
  if (endpoint === 'introspection') return m.introspection_endpoint_auth_method ?? m.token_endpoint_auth_method;
  if (endpoint === 'revocation') return m.revocation_endpoint_auth_method ?? m.token_endpoint_auth_method;
  return m.token_endpoint_auth_method;
}

/** Whether any endpoint of the client authenticates with one of these methods. */
export function usesAuthMethod(m: ClientMetadata, ...methods: TokenEndpointAuthMethod[]): boolean {
  return (['token', 'introspection', 'revocation'] as const).some((e) => methods.includes(authMethodFor(m, e)));
}
