import { Injectable } from '@nestjs/common';
import { JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet } from 'jose';
import { ClientMetadata } from '@idp/domain';

/** A client's key server gets this long to answer before the authentication fails. */
const FETCH_TIMEOUT_MS = 3000;
/** Keys fetched from jwks_uri are reused this long. */
const CACHE_MAX_AGE_MS = 10 * 60 * 1000;
/**
 * An unknown kid triggers a refetch (the client rotated its keys), but at most once per this
 * interval: anyone may send an assertion naming a client, and must not make us hammer its server.
 */
const REFETCH_COOLDOWN_MS = 5000;

/** The public keys of private_key_jwt and partner-grant clients: inline `jwks`, or `jwks_uri` fetched and cached per instance. */
@Injectable()
export class ClientJwksService {
  private readonly remote = new Map<string, { uri: string; keys: JWTVerifyGetKey }>();

  keysFor(clientId: string, metadata: ClientMetadata): JWTVerifyGetKey | null {
    if (metadata.jwks) return createLocalJWKSet(metadata.jwks);
    if (!metadata.jwks_uri) return null;
    const cached = this.remote.get(clientId);
    if (cached?.uri === metadata.jwks_uri) return cached.keys;
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cacheMaxAge: CACHE_MAX_AGE_MS,
      cooldownDuration: REFETCH_COOLDOWN_MS,
    });
    // Keyed by client, so a changed jwks_uri replaces the old entry instead of growing the map.
    this.remote.set(clientId, { uri: metadata.jwks_uri, keys });
    return keys;
  }
}
