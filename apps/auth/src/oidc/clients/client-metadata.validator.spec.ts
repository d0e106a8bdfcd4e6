import { validateClientMetadata } from './client-metadata.validator';

describe('validateClientMetadata', () => {
  it('fills RFC 7591 defaults', () => {
    const { metadata, errors } = validateClientMetadata({ client_name: 'App', redirect_uris: ['https://app.example/cb'] });
    expect(errors).toEqual({});
    expect(metadata).toMatchObject({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'web',
    });
  });

  it('names every bad field', () => {
    const { errors } = validateClientMetadata({
      redirect_uris: ['https://app.example/cb#frag', 'relative/path'],
      grant_types: ['password'],
      token_endpoint_auth_method: 'tls_client_auth',
      access_token_ttl: -1,
    });
    expect(Object.keys(errors).sort()).toEqual(['access_token_ttl', 'client_name', 'grant_types', 'redirect_uris', 'token_endpoint_auth_method']);
  });

  it('requires a redirect URI for the code grant and refuses public client_credentials clients', () => {
    expect(validateClientMetadata({ client_name: 'A' }).errors.redirect_uris).toBeDefined();
    const { errors } = validateClientMetadata({ client_name: 'M2M', grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' });
    expect(errors.token_endpoint_auth_method).toBeDefined();
  });

  it('makes native clients public by default and applies partial updates on top of the stored metadata', () => {
    const native = validateClientMetadata({ client_name: 'Desktop', application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'] });
    expect(native.metadata.token_endpoint_auth_method).toBe('none');
    const patched = validateClientMetadata({ client_name: 'Renamed' }, native.metadata);
    expect(patched.errors).toEqual({});
    expect(patched.metadata).toMatchObject({ client_name: 'Renamed', token_endpoint_auth_method: 'none' });
  });
});
