/**
 * oauth4webapi is published as ES modules only, and jest compiles the specs to CommonJS, which
 * would turn `import()` into `require()`. A Function body is not compiled, so its `import()` stays
 * a real dynamic import (jest runs with --experimental-vm-modules).
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export type OAuth = typeof import('oauth4webapi');

export const loadOAuth4WebApi = (): Promise<OAuth> => dynamicImport('oauth4webapi') as Promise<OAuth>;

/** Our test servers speak plain HTTP on 127.0.0.1; oauth4webapi insists on HTTPS unless told. */
export const insecure = (oauth: OAuth) => ({ [oauth.allowInsecureRequests]: true }) as Record<symbol, boolean>;

/** A fresh ES256 key pair as WebCrypto keys (what oauth4webapi's PrivateKeyJwt takes) and the public JWK to register. */
export async function webCryptoClientKey(kid: string) {
  const { privateKey, publicKey } = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicJwk = { ...(await crypto.subtle.exportKey('jwk', publicKey)), kid, alg: 'ES256', use: 'sig' };
  delete (publicJwk as { key_ops?: string[] }).key_ops;
  delete (publicJwk as { ext?: boolean }).ext;
  return { privateKey, publicJwk, kid };
}
