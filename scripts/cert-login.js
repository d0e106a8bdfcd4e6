#!/usr/bin/env node
// A reference client of certificate login (Kontur's two steps), what a desktop helper does:
//   1. POST /authentication/certificate with the certificate -> a challenge (JWE) only its private key opens;
//   2. POST /connect/token grant_type=certificate with the decrypted key and the certificate's thumbprint.
//
//   npm run cert-login -- --cert user.pem --key user.key --client-id <id> --client-secret <secret> [--scope "openid profile"]
//                         [--issuer http://localhost:3000] [--auth basic|post]
//   npm run cert-login -- --key user.key --decrypt <challenge from the sign-in page>   (prints the key to paste)
'use strict';

const { createHash, X509Certificate } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { compactDecrypt, decodeProtectedHeader, importPKCS8 } = require('jose');

function parseArgs(argv) {
  const args = { issuer: process.env.ISSUER || 'http://localhost:3000', scope: 'openid profile', auth: 'basic' };
  const names = { '--auth': 'auth', '--cert': 'cert', '--key': 'key', '--client-id': 'clientId', '--client-secret': 'clientSecret', '--scope': 'scope', '--issuer': 'issuer', '--decrypt': 'decrypt' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!names[flag]) throw new Error(`unknown option ${flag}`);
    args[names[flag]] = inline ?? argv[++i];
  }
  if (!args.key) throw new Error('--key (the private key, PKCS#8 PEM) is required');
  if (!args.decrypt) {
    for (const [flag, name] of [['--cert', 'cert'], ['--client-id', 'clientId'], ['--client-secret', 'clientSecret']]) {
      if (!args[name]) throw new Error(`${flag} is required`);
    }
  }
  if (args.auth !== 'basic' && args.auth !== 'post') throw new Error('--auth is basic (HTTP Basic, the default) or post (client_secret_post)');
  args.issuer = args.issuer.replace(/\/+$/, '');
  return args;
}

/** Opens the challenge with the private key; the key inside, base64, is what step 2 sends as decrypted_key. */
async function decrypt(jwe, keyPem) {
  const { alg } = decodeProtectedHeader(jwe);
  const { plaintext } = await compactDecrypt(jwe.trim(), await importPKCS8(keyPem, alg));
  return Buffer.from(plaintext).toString('base64');
}

async function post(url, form, args) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (args.auth === 'basic') {
    // RFC 6749 2.3.1: each part form-encoded before joining.
    const enc = (v) => encodeURIComponent(v).replace(/%20/g, '+');
    headers.Authorization = `Basic ${Buffer.from(`${enc(args.clientId)}:${enc(args.clientSecret)}`).toString('base64')}`;
  } else {
    Object.assign(form, { client_id: args.clientId, client_secret: args.clientSecret });
  }
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(`${url} answered ${res.status}`), body);
  return body;
}

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const keyPem = readFileSync(args.key, 'utf8');
  if (args.decrypt) {
    console.log(await decrypt(args.decrypt, keyPem));
    return;
  }
  const cert = new X509Certificate(readFileSync(args.cert));
  const thumbprint = createHash('sha1').update(cert.raw).digest('hex').toUpperCase();
  const challenge = await post(`${args.issuer}/authentication/certificate`, { public_key: cert.raw.toString('base64') }, args);
  console.log(`Step 1: challenge received for ${cert.subject.replace(/\n/g, ', ')} (thumbprint ${thumbprint})`);
  const decrypted_key = await decrypt(challenge.encrypted_key, keyPem);
  const tokens = await post(`${args.issuer}/connect/token`, { grant_type: 'certificate', decrypted_key, thumbprint, scope: args.scope }, args);

  console.log('Step 2: signed in.');
  console.log(`token_type: ${tokens.token_type}, expires_in: ${tokens.expires_in}, scope: ${tokens.scope}`);
  if (tokens.id_token) console.log('id_token claims:', JSON.stringify(claims(tokens.id_token), null, 2));
  console.log('access_token claims:', JSON.stringify(claims(tokens.access_token), null, 2));
  if (tokens.refresh_token) console.log('refresh_token: issued (kept secret here)');
}

main().catch((err) => {
  console.error(`certificate login failed: ${err.error ? `${err.error}: ${err.error_description}` : err.message}`);
  process.exit(1);
});
