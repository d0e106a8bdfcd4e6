import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@idp/testing';

export interface UpstreamIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/** Starts the "company IdP" (node-oidc-provider) as its own process, with a client for us. */
export async function startUpstreamIdp(redirectUri: string): Promise<UpstreamIdp> {
  const port = await freePort();
  const clientId = 'our-idp';
  const clientSecret = 'upstream-client-secret-9f8e7d6c5b4a';
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'upstream-idp.mjs'), String(port), clientId, clientSecret, redirectUri], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (d) => (errors += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`upstream IdP exited ${code}: ${errors}`)));
  });
  return {
    issuer: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  };
}
