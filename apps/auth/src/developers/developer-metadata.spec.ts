import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { DevelopersError } from './developers-errors';
import { validateDeveloperMetadata } from './developer-metadata';

const base = { client_name: 'Shop', redirect_uris: ['https://shop.example/cb'] };
const refusal = (input: Record<string, unknown>, stored?: Parameters<typeof validateDeveloperMetadata>[1], api: string[] = []) => {
  try {
    validateDeveloperMetadata(input, stored, api);
  } catch (err) {
    if (err instanceof DevelopersError) return { status: err.status, error: err.error, description: err.description };
    throw err;
  }
  return null;
};

describe('validateDeveloperMetadata', () => {
  it('refuses what dynamic registration refuses, with its error codes', () => {
    expect(refusal({ ...base, redirect_uris: ['http://shop.example/cb'] })).toMatchObject({ status: 400, error: 'invalid_redirect_uri' });
    expect(refusal({ ...base, grant_types: ['trusted'] })).toMatchObject({ error: 'invalid_client_metadata', description: expect.stringContaining('not available to self-registered clients') });
    expect(refusal({ ...base, first_party: true })).toBeNull();
    expect(validateDeveloperMetadata({ ...base, first_party: true }).first_party).toBe(false);
  });

  it('takes lifetimes within our limits only', () => {
    expect(validateDeveloperMetadata({ ...base, access_token_ttl: 600 }).access_token_ttl).toBe(600);
    expect(refusal({ ...base, access_token_ttl: 86401 })).toMatchObject({ description: expect.stringContaining('access_token_ttl must be at most 86400') });
    expect(refusal({ ...base, refresh_token_ttl: 30 })).toMatchObject({ description: expect.stringContaining('refresh_token_ttl') });
  });

  it('allows user scopes and the scopes of registered APIs, nothing else', () => {
    expect(refusal({ ...base, scope: 'openid orders.read' })).toMatchObject({ description: expect.stringContaining('orders.read is not allowed') });
    expect(validateDeveloperMetadata({ ...base, scope: 'openid orders.read' }, undefined, ['orders.read']).scope).toBe('openid orders.read');
    expect(refusal({ ...base, scope: 'openid iin' })).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('keeps grants an administrator approved through the integrator\'s edits', () => {
    const stored = validateClientMetadata({ ...base, grant_types: ['authorization_code', 'password'] }).metadata;
    const edited = validateDeveloperMetadata({ ...base, grant_types: ['authorization_code'] }, stored);
    expect(edited.grant_types).toEqual(['authorization_code', 'password']);
  });

  it('refuses keys naming an algorithm we do not verify', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', alg: 'HS256' };
    expect(refusal({ ...base, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } })).toMatchObject({ description: expect.stringContaining('alg must be one of') });
    expect(refusal({ ...base, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...jwk, alg: 'ES256' }] } })).toBeNull();
  });
});
