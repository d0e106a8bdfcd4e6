#!/usr/bin/env node
// A reference device client (RFC 8628), built on openid-client: what a desktop module or an
// accounting-system plug-in does to sign a user in without a backend of its own.
//
//   npm run device-login -- --client-id <id> [--client-secret <secret>] [--scope "openid profile"] [--issuer http://localhost:3000]
'use strict';

const { Issuer } = require('openid-client');
const QRCode = require('qrcode');

function parseArgs(argv) {
  const args = { issuer: process.env.ISSUER || 'http://localhost:3000', scope: 'openid profile' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (flag === '--issuer') args.issuer = value;
    else if (flag === '--client-id') args.clientId = value;
    else if (flag === '--client-secret') args.clientSecret = value;
    else if (flag === '--scope') args.scope = value;
    else if (flag === '--no-qr') (args.noQr = true), i--;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!args.clientId) throw new Error('--client-id is required');
  return args;
}

function decode(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const issuer = await Issuer.discover(args.issuer);
  const client = new issuer.Client(
    args.clientSecret
      ? { client_id: args.clientId, client_secret: args.clientSecret }
      : { client_id: args.clientId, token_endpoint_auth_method: 'none' },
  );
  const handle = await client.deviceAuthorization({ scope: args.scope });

  console.log(`\nOpen ${handle.verification_uri} and enter the code ${handle.user_code}`);
  console.log(`or go straight to ${handle.verification_uri_complete}\n`);
  if (!args.noQr) console.log(await QRCode.toString(handle.verification_uri_complete, { type: 'terminal', small: true }));
  console.log(`Waiting for approval (the code expires in ${handle.expires_in} s)...`);

  const tokens = await handle.poll();
  console.log('\nSigned in.');
  console.log(`token_type: ${tokens.token_type}, expires_in: ${tokens.expires_in}, scope: ${tokens.scope}`);
  if (tokens.id_token) console.log('id_token claims:', JSON.stringify(tokens.claims(), null, 2));
  console.log('access_token claims:', JSON.stringify(decode(tokens.access_token), null, 2));
  if (tokens.refresh_token) console.log('refresh_token: issued (kept secret here)');
}

main().catch((err) => {
  console.error(`device login failed: ${err.error ? `${err.error}: ${err.error_description}` : err.message}`);
  process.exit(1);
});
