import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { randomToken } from '../oidc/crypto';
import { s256 } from '../oidc/pkce';
import { pickLocale, t } from '../interaction/i18n';
import { esc, layout } from '../interaction/views/html';
import { DEMO_CLIENT_ID, DEMO_LOGIN, DEMO_PASSWORD } from './demo-setup.service';

const COOKIE = 'demo_rp';

/**
 * A relying party in the provider's own process, using only the public protocol over HTTP:
 * authorization code + PKCE, token exchange, ID token validation against the JWKS, UserInfo.
 */
@Controller('demo')
export class DemoController {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  home(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const l = pickLocale(undefined, req.headers['accept-language']);
    this.page(reply, l, `<h1>${esc(t(l, 'demo.title'))}</h1>
<p class="sub">${esc(t(l, 'demo.lead'))}</p>
<a class="button" href="/demo/login">${esc(t(l, 'demo.login'))}</a>
<p class="muted">${esc(t(l, 'demo.hint', { login: DEMO_LOGIN, password: DEMO_PASSWORD }))}</p>`);
  }

  @Get('login')
  login(@Res() reply: FastifyReply) {
    const state = randomToken('base64url', 16);
    const nonce = randomToken('base64url', 16);
    const verifier = randomToken();
    void reply.setCookie(COOKIE, JSON.stringify({ state, nonce, verifier }), { path: '/demo', httpOnly: true, sameSite: 'lax', maxAge: 600 });
    const url = new URL(`${this.config.issuer}/connect/authorize`);
    url.search = new URLSearchParams({
      client_id: DEMO_CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${this.config.issuer}/demo/callback`,
      scope: 'openid profile email phone offline_access',
      state,
      nonce,
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
    }).toString();
    void reply.redirect(url.toString(), 303);
  }

  @Get('callback')
  async callback(@Query() query: Record<string, string>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const l = pickLocale(undefined, req.headers['accept-language']);
    let saved: { state?: string; nonce?: string; verifier?: string } = {};
    try {
      saved = JSON.parse(req.cookies?.[COOKIE] ?? '{}');
    } catch {
      /* a broken cookie is the same as none */
    }
    void reply.clearCookie(COOKIE, { path: '/demo' });
    const again = `<a class="button" href="/demo/login">${esc(t(l, 'demo.again'))}</a>`;
    if (!saved.state || query.state !== saved.state) {
      return this.page(reply, l, `<h1>${esc(t(l, 'error.title'))}</h1><p class="error">${esc(t(l, 'demo.stateMismatch'))}</p>${again}`, 400);
    }
    if (query.error) {
      return this.page(reply, l, `<h1>${esc(query.error)}</h1><p class="error">${esc(query.error_description)}</p>${again}`, 400);
    }
    if (query.iss !== this.config.issuer) {
      return this.page(reply, l, `<h1>${esc(t(l, 'error.title'))}</h1><p class="error">${esc(t(l, 'demo.issMismatch'))}</p>${again}`, 400);
    }

    const tokenResponse = await fetch(`${this.config.issuer}/connect/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: query.code ?? '',
        redirect_uri: `${this.config.issuer}/demo/callback`,
        client_id: DEMO_CLIENT_ID,
        code_verifier: saved.verifier ?? '',
      }),
    });
    const tokens = (await tokenResponse.json()) as Record<string, string>;
    if (!tokenResponse.ok) {
      return this.page(reply, l, `<h1>${esc(tokens.error)}</h1><p class="error">${esc(tokens.error_description)}</p>${again}`, 400);
    }
    this.jwks ??= createRemoteJWKSet(new URL(`${this.config.issuer}/.well-known/openid-configuration/jwks`));
    const { payload: idToken } = await jwtVerify(tokens.id_token, this.jwks, { issuer: this.config.issuer, audience: DEMO_CLIENT_ID });
    if (idToken.nonce !== saved.nonce) {
      return this.page(reply, l, `<h1>${esc(t(l, 'error.title'))}</h1><p class="error">${esc(t(l, 'demo.nonceMismatch'))}</p>${again}`, 400);
    }
    const userinfo = await (await fetch(`${this.config.issuer}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json();
    const shown = { ...tokens, access_token: tokens.access_token.slice(0, 24) + '…', refresh_token: tokens.refresh_token ? tokens.refresh_token.slice(0, 8) + '…' : undefined, id_token: '…' };
    const json = (v: unknown) => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;
    this.page(
      reply,
      l,
      `<h1>${esc(t(l, 'demo.title'))}</h1>
<h2>${esc(t(l, 'demo.idToken'))}</h2>${json(idToken)}
<h2>${esc(t(l, 'demo.userinfo'))}</h2><div id="userinfo">${json(userinfo)}</div>
<h2>${esc(t(l, 'demo.tokens'))}</h2>${json(shown)}
${again}`,
    );
  }

  private page(reply: FastifyReply, locale: string, body: string, status = 200) {
    void reply
      .status(status)
      .headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      .send(layout(locale, 'Demo', body).replace('<main class="card">', '<main class="card wide">'));
  }
}
