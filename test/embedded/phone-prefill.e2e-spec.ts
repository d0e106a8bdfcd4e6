import { Browserless, parseForms } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

const REDIRECT = 'https://rp.example/cb';

describe('the phone parameter of the authorization request (Aitu)', () => {
  let platform: EmbeddedPlatform;
  let client: { client_id: string };

  const loginPage = (extra: Record<string, string>) =>
    new Browserless(platform.base).follow(
      `/connect/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: 'openid', state: 'state-12345', ...extra })}`,
    );
  const phoneField = async (extra: Record<string, string>) =>
    parseForms((await loginPage(extra)).body).find((f) => f.action.endsWith('/otp/phone'))!.fields.phone;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform();
    client = await platform.admin.createClient({ client_name: 'Taxi', redirect_uris: [REDIRECT], scope: 'openid', allowed_login_methods: ['phone_otp'] });
  });

  afterAll(() => platform.close());

  it('pre-fills the phone field, which stays editable', async () => {
    const page = await loginPage({ phone: '+77012345678' });
    expect(page.body).toMatch(/<input type="tel" id="phone" name="phone"[^>]* required value="\+77012345678"/);
    expect(page.body).not.toMatch(/id="phone"[^>]*readonly/);
  });

  it('wins over a phone-like login_hint, and ignores what is not a phone', async () => {
    expect(await phoneField({ phone: '+77012345678', login_hint: '+77019999999' })).toBe('+77012345678');
    expect(await phoneField({ phone: 'not-a-phone' })).toBe('');
    expect(await phoneField({ phone: '+7701<script>' })).toBe('');
  });
});
