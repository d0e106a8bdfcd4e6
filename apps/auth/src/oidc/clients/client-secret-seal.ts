import { decryptSecret, encryptSecret } from '@idp/jwk';

/** Binds the ciphertext to its client, so a sealed secret copied onto another client does not open. */
const aad = (clientId: string) => `client-secret:${clientId}`;

/**
 * client_secret_jwt needs the secret itself as its HMAC key, so for those clients the secret is
 * also kept AES-256-GCM encrypted under KEY_ENCRYPTION_KEY (like the signing keys). Other clients
 * keep only the hash.
 */
export function sealClientSecret(secret: string, clientId: string, key: Buffer): string {
  return encryptSecret(secret, key, aad(clientId));
}

export function openClientSecret(sealed: string, clientId: string, key: Buffer): string {
  return decryptSecret(sealed, key, aad(clientId));
}
