import { Inject, Injectable, Logger } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, JWTVerifyOptions, KeyLike, errors as joseErrors, jwtVerify } from 'jose';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { MAX_SERVICE_USER_ID_LENGTH } from '../../../partner/external-accounts.service';
import { AssertionReplayStore } from '../../clients/assertion-replay.store';
import { ClientJwksService } from '../../clients/client-jwks.service';
import { Client } from '../../clients/clients.service';
import { ENDPOINT_PATHS } from '../../clients/endpoint-auth';
import { InvalidGrant } from '../../errors/oauth.errors';

/** Kontur's rule: a partner's token lives at most a day. */
export const MAX_GRANT_ASSERTION_LIFETIME = 24 * 3600;
/** Kontur's rule, in bytes: a UUID fits. */
export const MAX_GRANT_JTI_BYTES = 36;
/** Clock difference we forgive between the partner and us, in seconds. */
const CLOCK_TOLERANCE = 10;
const MAX_ASSERTION_LENGTH = 8192;

/** jose's failures, as the partner will read them; `noun` is how the grant names its JWT. */
function describe(err: unknown, noun: string): string {
  if (err instanceof joseErrors.JWTExpired) return `the ${noun} has expired`;
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `the ${noun} has no ${err.claim}`;
    if (err.claim === 'iss') return `the ${noun} iss must be the client_id`;
    return `the ${noun} ${err.claim} is not acceptable`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return `the ${noun} must be signed with RS256`;
  if (err instanceof joseErrors.JWKSNoMatchingKey) return `no registered key of this client matches the ${noun}`;
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return 'the keys of this client could not be fetched from its jwks_uri';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return `the ${noun} is not a JWT`;
  return `the ${noun} signature is invalid`;
}

/**
 * A header with x5t and no kid can match several of the client's keys; jose leaves the choice to
 * the caller, and the signature makes it (every candidate is the client's own key).
 */
async function verifyWithClientKeys(jwt: string, keys: JWTVerifyGetKey, options: JWTVerifyOptions) {
  try {
    return await jwtVerify(jwt, keys, options);
  } catch (err) {
    if (!(err instanceof joseErrors.JWKSMultipleMatchingKeys)) throw err;
    for await (const key of err as unknown as AsyncIterable<KeyLike>) {
      try {
        return await jwtVerify(jwt, key, options);
      } catch (inner) {
        if (!(inner instanceof joseErrors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new joseErrors.JWSSignatureVerificationFailed();
  }
}

/**
 * The JWT of the partner grants (Kontur's `trusted`, RFC 7523 2.1): signed RS256 by the client's
 * registered keys, `iss` = client_id, `sub` the partner's user id, `exp` at most a day ahead, `aud`
 * (when present) naming us, and a `jti` used once across all auth instances.
 */
@Injectable()
export class GrantAssertionVerifier {
  private readonly logger = new Logger('grant-assertion');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwks: ClientJwksService,
    private readonly replays: AssertionReplayStore,
  ) {}

  /** Checks everything but the jti; returns the verified claims. */
  async verify(client: Client, jwt: string, noun: string): Promise<JWTPayload & { sub: string; jti: string; exp: number }> {
    if (jwt.length > MAX_ASSERTION_LENGTH) throw new InvalidGrant(`the ${noun} is not a JWT`);
    const keys = this.jwks.keysFor(client.clientId, client.metadata);
    if (!keys) throw new InvalidGrant('this client has no registered keys');
    let payload: JWTPayload;
    try {
      ({ payload } = await verifyWithClientKeys(jwt, keys, {
        algorithms: ['RS256'],
        issuer: client.clientId,
        requiredClaims: ['sub', 'jti', 'exp'],
        clockTolerance: CLOCK_TOLERANCE,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || !(err instanceof joseErrors.JOSEError)) {
        this.logger.warn(`client ${client.clientId}: ${(err as Error).message}`);
      }
      throw new InvalidGrant(describe(err, noun));
    }
    if (payload.aud !== undefined) {
      const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const ours = [this.config.issuer, `${this.config.issuer}${ENDPOINT_PATHS.token}`];
      if (!auds.some((a) => ours.includes(a))) throw new InvalidGrant(`the ${noun} audience is not this server`);
    }
    const exp = payload.exp!;
    if (exp - Date.now() / 1000 > MAX_GRANT_ASSERTION_LIFETIME + CLOCK_TOLERANCE) {
      throw new InvalidGrant(`the ${noun} must expire within 24 hours`);
    }
    const { sub, jti } = payload;
    if (typeof sub !== 'string' || !sub || sub.length > MAX_SERVICE_USER_ID_LENGTH) {
      throw new InvalidGrant(`the ${noun} sub must be a string of at most ${MAX_SERVICE_USER_ID_LENGTH} characters`);
    }
    if (typeof jti !== 'string' || !jti || Buffer.byteLength(jti) > MAX_GRANT_JTI_BYTES) {
      throw new InvalidGrant(`the ${noun} jti must be a string of at most ${MAX_GRANT_JTI_BYTES} bytes`);
    }
    return { ...payload, sub, jti, exp };
  }

  /** True on the jti's first use; kept past exp by the tolerance, since until then the JWT still verifies. */
  consume(client: Client, claims: { jti: string; exp: number }): Promise<boolean> {
    return this.replays.consume(client.clientId, claims.jti, claims.exp + CLOCK_TOLERANCE, 'grant');
  }
}
