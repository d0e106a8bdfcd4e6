// A company's own OpenID provider for the tests (node-oidc-provider), in its own process.
// Usage: node test/support/upstream-idp.mjs <port> <client_id> <client_secret> <redirect_uri>
// It signs in whoever the login_hint names (no password page: it is the company's business), except
// addresses starting with "blocked", which get access_denied. /bad/.well-known/openid-configuration
// is the same provider advertising a JWKS it does not sign with, so its id_tokens fail validation.
import http from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const signing = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey);
const stranger = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey);
const publicPart = ({ d, p, q, dp, dq, qi, ...pub }) => pub;

const provider = new Provider(issuer, {
  clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], post_logout_redirect_uris: [redirectUri.replace(/\/callback$/, '/logged-out')] }],
  jwks: { keys: [{ ...signing, kid: 'company-1', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['upstream-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => {
      const email = Buffer.from(sub, 'base64url').toString();
      return { sub, email, email_verified: true, given_name: email.split('@')[0], family_name: 'Employee' };
    },
  }),
});
provider.proxy = false;

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.url === '/bad/.well-known/openid-configuration') {
      const doc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      res.setHeader('Content-Type', 'application/json');
      return res.end(JSON.stringify({ ...doc, jwks_uri: `${issuer}/bad/jwks` }));
    }
    if (req.url === '/bad/jwks') {
      res.setHeader('Content-Type', 'application/json');
      return res.end(JSON.stringify({ keys: [{ ...publicPart(stranger), kid: 'company-1', use: 'sig', alg: 'RS256' }] }));
    }
    if (req.url?.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      const { prompt, params, session } = details;
      if (prompt.name === 'login') {
        const hint = String(params.login_hint ?? '');
        if (!hint || hint.startsWith('blocked')) {
          return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'This employee may not use company sign-in' }, { mergeWithLastSubmission: false });
        }
        return provider.interactionFinished(req, res, { login: { accountId: Buffer.from(hint).toString('base64url') } }, { mergeWithLastSubmission: false });
      }
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    return callback(req, res);
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err?.message ?? err));
  }
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
