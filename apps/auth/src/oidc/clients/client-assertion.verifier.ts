import { Inject, Injectable, Logger } from '@nestjs/common';
import { JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { ClientEntity } from '@idp/domain';
import { InvalidClient } from '../errors/oauth.errors';
import { AssertionReplayStore } from './assertion-replay.store';
import { ClientJwksService } from './client-jwks.service';
import { openClientSecret } from './client-secret-seal';
import { BackchannelEndpoint, ENDPOINT_PATHS } from './endpoint-auth';

/** Signing algorithms per assertion method; discovery advertises exactly these. */
export const ASSERTION_ALGORITHMS = {
  client_secret_jwt: ['HS256'],
  private_key_jwt: ['RS256', 'PS256', 'ES256'],
} as const;

/** An assertion is a one-off proof for one request: it may live at most this long from now. */
export const MAX_ASSERTION_LIFETIME = 300;
/** Clock difference we forgive between the client and us, in seconds. */
const CLOCK_TOLERANCE = 10;
const MAX_JTI_LENGTH = 256;

/** jose's failures, as the client will read them. */
function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the client assertion has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `the client assertion has no ${err.claim}`;
    if (err.claim === 'aud') return 'the client assertion audience is not this server';
    if (err.claim === 'iss' || err.claim === 'sub') return 'the client assertion iss and sub must both be the client_id';
    return `the client assertion ${err.claim} is not acceptable`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the client assertion is signed with an algorithm this client may not use';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no registered key of this client matches the client assertion';
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return 'the keys of this client could not be fetched from its jwks_uri';
  return 'the client assertion signature is invalid';
}

/**
 * RFC 7523 3 for client authentication: the signature by the client's secret or key, `iss` = `sub`
 * = client_id, `aud` naming us, a short `exp`, and a `jti` that is used once on all instances.
 */
@Injectable()
export class ClientAssertionVerifier {
  private readonly logger = new Logger('client-assertion');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwks: ClientJwksService,
    private readonly replays: AssertionReplayStore,
  ) {}

  /** The audiences we accept: the issuer, the token endpoint, and the endpoint being called. */
  audiences(endpoint: BackchannelEndpoint): string[] {
    const iss = this.config.issuer;
    return [...new Set([iss, `${iss}${ENDPOINT_PATHS.token}`, `${iss}${ENDPOINT_PATHS[endpoint]}`])];
  }

  async verify(client: ClientEntity, method: 'client_secret_jwt' | 'private_key_jwt', assertion: string, endpoint: BackchannelEndpoint): Promise<void> {
    const key = this.keyFor(client, method);
    let payload;
    try {
      const options = {
        algorithms: [...ASSERTION_ALGORITHMS[method]],
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.audiences(endpoint),
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE,
      };
      ({ payload } = key instanceof Uint8Array ? await jwtVerify(assertion, key, options) : await jwtVerify(assertion, key, options));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || !(err instanceof joseErrors.JOSEError)) {
        this.logger.warn(`client ${client.clientId}: ${(err as Error).message}`);
      }
      throw new InvalidClient(describe(err));
    }
    const exp = payload.exp!;
    if (exp - Date.now() / 1000 > MAX_ASSERTION_LIFETIME + CLOCK_TOLERANCE) {
      throw new InvalidClient(`the client assertion must expire within ${MAX_ASSERTION_LIFETIME} seconds`);
    }
    if (typeof payload.jti !== 'string' || !payload.jti || payload.jti.length > MAX_JTI_LENGTH) {
      throw new InvalidClient(`the client assertion jti must be a string of at most ${MAX_JTI_LENGTH} characters`);
    }
    // Kept past exp by the tolerance, since until then the assertion still verifies.
    if (!(await this.replays.consume(client.clientId, payload.jti, exp + CLOCK_TOLERANCE))) {
      throw new InvalidClient('the client assertion was already used');
    }
  }

  private keyFor(client: ClientEntity, method: 'client_secret_jwt' | 'private_key_jwt'): Uint8Array | JWTVerifyGetKey {
    if (method === 'client_secret_jwt') {
      if (!client.secretEncrypted) throw new InvalidClient('client authentication failed');
      return new TextEncoder().encode(openClientSecret(client.secretEncrypted, client.clientId, this.config.keyEncryptionKey));
    }
    const keys = this.jwks.keysFor(client.clientId, client.metadata);
    if (!keys) throw new InvalidClient('this client has no registered keys');
    return keys;
  }
}
