import { validateClientMetadata } from '../../oidc/clients/client-metadata.validator';
import { ClientMetadataDto, ClientMetadataUpdateDto } from './client-metadata.dto';
import { dtoProblems } from './dto-problems';

/** One wrong field at a time, on an otherwise good client. */
const WRONG: Record<string, unknown> = {
  client_id: 'a b',
  client_name: 42,
  redirect_uris: 'https://a.example/cb',
  post_logout_redirect_uris: [1],
  grant_types: ['authorization_code', 'magic'],
  response_types: ['code', 'token id_token code', 'banana'],
  token_endpoint_auth_method: 'tls_client_auth',
  introspection_endpoint_auth_method: 7,
  scope: ['openid'],
  application_type: 'desktop',
  subject_type: 'secret',
  sector_identifier_uri: 5,
  jwks: { keys: 'none' },
  backchannel_logout_uri: false,
  backchannel_logout_session_required: 'yes',
  id_token_signed_response_alg: 'HS256',
  userinfo_signed_response_alg: 'none',
  logo_uri: 3,
  contacts: 'me@example.kz',
  access_token_ttl: 59,
  refresh_token_ttl: 1.5,
  id_token_ttl: '600',
  device_code_ttl: 3601,
  device_poll_interval: 0,
  allowed_login_methods: [],
  require_2fa: 1,
  first_party: 'true',
  trusted_phone_enabled: null,
  iin_signature_required: 'no',
  allowed_organizations: ['acme'],
  admins_only: 'yes',
};

describe('client metadata DTO', () => {
  it('refuses each wrong field on its own, with the message the rules between fields would give', () => {
    for (const [field, value] of Object.entries(WRONG)) {
      const input = { client_name: 'App', redirect_uris: ['https://a.example/cb'], [field]: value };
      const fromDto = dtoProblems(ClientMetadataDto, input);
      const rules = validateClientMetadata(input).errors;
      if (value === null) continue; // null is judged by the rules alone (the DTO treats it as not given)
      expect({ field, dto: fromDto[field] }).toEqual({ field, dto: expect.any(String) });
      if (field !== 'client_id') expect({ field, dto: fromDto[field] }).toEqual({ field, dto: rules[field] });
    }
  });

  it('requires client_name on creation only, and accepts a good client as it is', () => {
    expect(dtoProblems(ClientMetadataDto, {})).toEqual({ client_name: 'is required' });
    expect(dtoProblems(ClientMetadataUpdateDto, {})).toEqual({});
    const good = { client_id: 'shop.web', client_name: 'Shop', redirect_uris: ['https://shop.example/cb'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid profile', access_token_ttl: 600, allowed_login_methods: ['password', 'phone_otp'], require_2fa: false, allowed_organizations: null, partner_public_key: null };
    expect(dtoProblems(ClientMetadataDto, good)).toEqual({});
  });
});
