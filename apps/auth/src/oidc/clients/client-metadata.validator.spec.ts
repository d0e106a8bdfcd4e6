import { generateKeyPairSync } from 'node:crypto';
import { validateClientMetadata } from './client-metadata.validator';

const publicJwk = (type: 'rsa' | 'ec', bits = 2048) => {
  const { publicKey, privateKey } =
    type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: bits }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pub: { ...publicKey.export({ format: 'jwk' }), kid: 'k1' }, priv: privateKey.export({ format: 'jwk' }) };
};
const m2m = { client_name: 'M2M', grant_types: ['client_credentials'] };

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
      grant_types: ['urn:example:unknown'],
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

  it('accepts client_secret_jwt and private_key_jwt, the latter only with keys', () => {
    expect(validateClientMetadata({ ...m2m, token_endpoint_auth_method: 'client_secret_jwt' }).errors).toEqual({});
    expect(validateClientMetadata({ ...m2m, token_endpoint_auth_method: 'private_key_jwt' }).errors).toEqual({ jwks: 'jwks or jwks_uri is required for private_key_jwt' });
    const { metadata, errors } = validateClientMetadata({ ...m2m, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk('rsa').pub, publicJwk('ec').pub] } });
    expect(errors).toEqual({});
    expect(metadata.jwks!.keys).toHaveLength(2);
  });

  it.each(['trusted', 'urn:ietf:params:oauth:grant-type:jwt-bearer'])('accepts the partner grant %s only for a confidential client with keys', (grant) => {
    const partner = { client_name: 'Partner', grant_types: [grant] };
    expect(validateClientMetadata({ ...partner, jwks_uri: 'https://partner.example/jwks' }).errors).toEqual({});
    expect(validateClientMetadata(partner).errors).toEqual({ jwks: `jwks or jwks_uri is required for ${grant}` });
    expect(validateClientMetadata({ ...partner, token_endpoint_auth_method: 'none', jwks_uri: 'https://partner.example/jwks' }).errors).toEqual({
      token_endpoint_auth_method: `a public client cannot use ${grant}`,
    });
  });

  it('sets the introspection and revocation methods per endpoint, defaulting to the token endpoint method', () => {
    const plain = validateClientMetadata(m2m).metadata;
    expect(plain.introspection_endpoint_auth_method).toBeUndefined();
    const { metadata, errors } = validateClientMetadata({ ...m2m, introspection_endpoint_auth_method: 'private_key_jwt', revocation_endpoint_auth_method: 'client_secret_post', jwks_uri: 'https://rp.example/jwks' });
    expect(errors).toEqual({});
    expect(metadata).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', introspection_endpoint_auth_method: 'private_key_jwt', revocation_endpoint_auth_method: 'client_secret_post' });
    const bad = validateClientMetadata({ ...m2m, introspection_endpoint_auth_method: 'tls_client_auth', revocation_endpoint_auth_method: 'private_key_jwt' });
    expect(bad.errors).toEqual({
      introspection_endpoint_auth_method: 'must be one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none',
      jwks: 'jwks or jwks_uri is required for private_key_jwt',
    });
  });

  it.each([
    [{ keys: [] }, 'must hold 1 to 10 keys'],
    [[], 'must be a JWK Set object ({"keys": [...]})'],
    [{ keys: [publicJwk('rsa').priv] }, 'must hold public keys only'],
    [{ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, 'must hold public keys only'],
    [{ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }] }, 'keys must be RSA or EC'],
    [{ keys: [{ kty: 'EC', crv: 'P-384', x: 'AAAA', y: 'AAAA' }] }, 'EC keys must use the P-256 curve'],
    [{ keys: [{ kty: 'RSA', n: 'AAAA', e: 'AQAB' }] }, 'RSA keys must be 2048 bits or more'],
    [{ keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] }, 'holds a key that cannot be loaded'],
    [{ keys: [publicJwk('rsa', 1024).pub] }, 'RSA keys must be 2048 bits or more'],
  ])('refuses the JWK Set %j: %s', (jwks, message) => {
    expect(validateClientMetadata({ ...m2m, jwks }).errors).toEqual({ jwks: message });
  });

  it('checks jwks_uri, refuses it next to jwks, and lets one replace the other on update', () => {
    expect(validateClientMetadata({ ...m2m, jwks_uri: 'http://keys.example/jwks' }).errors.jwks_uri).toBe('must be an absolute https URI (http only on a loopback address)');
    expect(validateClientMetadata({ ...m2m, jwks_uri: 'http://127.0.0.1:8080/jwks' }).errors).toEqual({});
    expect(validateClientMetadata({ ...m2m, jwks_uri: 'not a uri' }).errors.jwks_uri).toBe('must be an absolute https URI');
    const jwks = { keys: [publicJwk('ec').pub] };
    expect(validateClientMetadata({ ...m2m, jwks, jwks_uri: 'https://rp.example/jwks' }).errors).toEqual({ jwks_uri: 'give jwks or jwks_uri, not both' });
    const inline = validateClientMetadata({ ...m2m, token_endpoint_auth_method: 'private_key_jwt', jwks }).metadata;
    const moved = validateClientMetadata({ jwks_uri: 'https://rp.example/jwks' }, inline);
    expect(moved.errors).toEqual({});
    expect(moved.metadata.jwks).toBeUndefined();
    expect(moved.metadata.jwks_uri).toBe('https://rp.example/jwks');
  });
});
