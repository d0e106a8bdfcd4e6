import { Injectable } from '@nestjs/common';
import { JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet } from 'jose';
import { ClientMetadata } from '@idp/domain';
import { Outbound, OutboundRefusedError } from '@idp/outbound';

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

  constructor(private readonly outbound: Outbound) {}

  keysFor(clientId: string, metadata: ClientMetadata): JWTVerifyGetKey | null {
    if (metadata.jwks) return createLocalJWKSet(metadata.jwks);
    if (!metadata.jwks_uri) return null;
    const cached = this.remote.get(clientId);
    if (cached?.uri === metadata.jwks_uri) return cached.keys;
    let url: URL;
    try {
      url = this.outbound.check(metadata.jwks_uri);
    } catch (err) {
      const reason = (err as OutboundRefusedError).message;
      return async () => {
        throw new OutboundRefusedError(`jwks_uri refused: ${reason}`);
      };
    }
    const keys = createRemoteJWKSet(url, {
      agent: url.protocol === 'https:' ? this.outbound.httpsAgent : this.outbound.httpAgent,
      timeoutDuration: FETCH_TIMEOUT_MS,
      cacheMaxAge: CACHE_MAX_AGE_MS,
      cooldownDuration: REFETCH_COOLDOWN_MS,
    });
    // Keyed by client, so a changed jwks_uri replaces the old entry instead of growing the map.
    this.remote.set(clientId, { uri: metadata.jwks_uri, keys });
    return keys;
  }
}
