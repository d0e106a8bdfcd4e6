import { Browserless } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

describe('the /demo relying party a newcomer uses after npm start', () => {
  let platform: EmbeddedPlatform;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({ DEMO: 'on' });
  });
  afterAll(() => platform.close());

  it('signs in with the demo account and shows the verified ID token and the UserInfo answer', async () => {
    const browser = new Browserless(platform.base);
    const home = await browser.follow('/demo');
    expect(home.body).toContain('demo-password');
    let page = await browser.follow('/demo/login');
    page = await browser.submit(page, '/login', { username: 'demo', password: 'demo-password' });
    page = await browser.submit(page, '/consent', {}, 'allow');
    expect(page.location).toContain('/demo/callback?code=');
    const result = await browser.request(page.location!);
    expect(result.status).toBe(200);
    expect(result.body).toContain('&quot;preferred_username&quot;: &quot;demo&quot;');
    expect(result.body).toContain('&quot;nonce&quot;');
    expect(result.body).toContain('&quot;email&quot;: &quot;demo@example.com&quot;');
  });

  it('registers a new person from the sign-in page and shows their claims', async () => {
    const browser = new Browserless(platform.base);
    let page = await browser.follow('/demo/login');
    page = await browser.follow(page.url + '/register');
    page = await browser.submit(page, '/register', { login: 'newcomer', password: 'newcomer-password', given_name: 'Ainur' });
    page = await browser.submit(page, '/consent', {}, 'allow');
    const result = await browser.request(page.location!);
    expect(result.body).toContain('&quot;given_name&quot;: &quot;Ainur&quot;');
  });
});
