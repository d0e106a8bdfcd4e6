import { validateClientMetadata } from './client-metadata.validator';
import { authMethodFor, usesAuthMethod } from './endpoint-auth';

describe('per-endpoint client authentication', () => {
  const base = { client_name: 'M2M', grant_types: ['client_credentials'] };

  it('falls back to the token endpoint method where no other is registered', () => {
    const m = validateClientMetadata({ ...base, token_endpoint_auth_method: 'client_secret_post' }).metadata;
    expect([authMethodFor(m, 'token'), authMethodFor(m, 'introspection'), authMethodFor(m, 'revocation')]).toEqual(['client_secret_post', 'client_secret_post', 'client_secret_post']);
  });

  it('uses the registered method of each endpoint, and tells which methods a client needs material for', () => {
    const m = validateClientMetadata({ ...base, introspection_endpoint_auth_method: 'client_secret_jwt', revocation_endpoint_auth_method: 'client_secret_post' }).metadata;
    expect([authMethodFor(m, 'token'), authMethodFor(m, 'introspection'), authMethodFor(m, 'revocation')]).toEqual(['client_secret_basic', 'client_secret_jwt', 'client_secret_post']);
    expect(usesAuthMethod(m, 'client_secret_jwt')).toBe(true);
    expect(usesAuthMethod(m, 'private_key_jwt', 'none')).toBe(false);
  });
});
