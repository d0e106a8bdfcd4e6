import { validateClientMetadata } from '../oidc/clients/client-metadata.validator';
import { registrationError, validateSelfService } from './registration-metadata';

const web = (redirect_uris: string[], extra: Record<string, unknown> = {}) => validateSelfService({ client_name: 'App', redirect_uris, ...extra }).errors;
const native = (redirect_uris: string[]) => web(redirect_uris, { application_type: 'native' });

describe('self-service registration rules', () => {
  it('gives web clients https, and http only on a loopback address', () => {
    expect(web(['https://app.example/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'http://localhost/cb'])).toEqual({});
    expect(web(['http://app.example/cb'])).toEqual({ redirect_uris: 'each URI must use https (http only on a loopback address)' });
    expect(web(['com.example.app:/cb'])).toEqual({ redirect_uris: 'each URI web clients must use http(s)' });
  });

  it('lets native clients use private-use schemes and loopback http, never script or file schemes', () => {
    expect(native(['com.example.app:/cb', 'myapp://callback', 'http://127.0.0.1/cb', 'https://app.example/cb'])).toEqual({});
    expect(native(['http://app.example/cb'])).toEqual({ redirect_uris: 'each URI must use https (http only on a loopback address)' });
    for (const uri of ['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd']) expect(native([uri])).toEqual({ redirect_uris: 'each URI scheme not allowed' });
  });

  it('refuses fragments and relative URIs', () => {
    expect(web(['https://app.example/cb#x'])).toEqual({ redirect_uris: 'each URI must not contain a fragment' });
    expect(web(['cb'])).toEqual({ redirect_uris: 'each URI must be an absolute URI' });
  });

  it('leaves administrators their plain-http web clients', () => {
    expect(validateClientMetadata({ client_name: 'Intranet', redirect_uris: ['http://intranet.corp/cb'] }).errors).toEqual({});
  });

  it('ignores the administrator-only and unknown fields, and keeps the stored ones on replacement', () => {
    const { metadata, errors } = validateSelfService({ client_name: 'App', redirect_uris: ['https://a.example/cb'], first_party: true, require_2fa: true, access_token_ttl: 1e6, allowed_login_methods: ['certificate'], colour: 'red' });
    expect(errors).toEqual({});
    expect(metadata).toMatchObject({ first_party: false, require_2fa: false, allowed_login_methods: ['password'] });
    expect(metadata).not.toHaveProperty('access_token_ttl');
    expect(metadata).not.toHaveProperty('colour');
    const stored = { ...metadata, first_party: true, access_token_ttl: 600, scope: 'openid profile', sector: 'old.example' };
    const replaced = validateSelfService({ client_name: 'Renamed', redirect_uris: ['https://a.example/cb'], first_party: false }, stored).metadata;
    expect(replaced).toMatchObject({ client_name: 'Renamed', first_party: true, access_token_ttl: 600, scope: 'openid' });
    expect(replaced).not.toHaveProperty('sector');
  });

  it('maps errors to RFC 7591 3.2.2 codes', () => {
    expect(registrationError({ redirect_uris: 'each URI must be an absolute URI', scope: 'bad' }).body()).toEqual({ error: 'invalid_redirect_uri', error_description: 'redirect_uris each URI must be an absolute URI' });
    expect(registrationError({ scope: 'bad', grant_types: 'worse' }).body()).toEqual({ error: 'invalid_client_metadata', error_description: 'scope bad; grant_types worse' });
  });
});
