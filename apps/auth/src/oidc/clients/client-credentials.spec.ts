import type { FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest } from '../errors/oauth.errors';
import { JWT_BEARER_ASSERTION, presentedCredentials } from './client-credentials';

const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as FastifyRequest;
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Only the header and claims matter before the client is known; the signature is checked later. */
const unsigned = (header: object, claims: object) => `${b64(header)}.${b64(claims)}.c2ln`;

describe('presentedCredentials with client assertions', () => {
  it('tells client_secret_jwt (HS256) from private_key_jwt (any other alg) and takes the client from sub', () => {
    const hs = presentedCredentials(req(), { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: unsigned({ alg: 'HS256' }, { sub: 'c1', iss: 'c1' }) });
    expect(hs).toMatchObject({ method: 'client_secret_jwt', clientId: 'c1' });
    const es = presentedCredentials(req(), { client_id: 'c1', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: unsigned({ alg: 'ES256' }, { sub: 'c1' }) });
    expect(es).toMatchObject({ method: 'private_key_jwt', clientId: 'c1' });
  });

  it.each([
    [{ client_assertion: unsigned({ alg: 'HS256' }, { sub: 'c1' }) }, `client_assertion_type must be ${JWT_BEARER_ASSERTION}`],
    [{ client_assertion_type: 'urn:other', client_assertion: unsigned({ alg: 'HS256' }, { sub: 'c1' }) }, `client_assertion_type must be ${JWT_BEARER_ASSERTION}`],
    [{ client_assertion_type: JWT_BEARER_ASSERTION }, 'the client assertion is not a JWT'],
    [{ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: 'not.a.jwt' }, 'the client assertion is not a JWT'],
    [{ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: unsigned({ alg: 'RS256' }, { iss: 'c1' }) }, 'the client assertion has no sub'],
    [{ client_id: 'c2', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: unsigned({ alg: 'RS256' }, { sub: 'c1' }) }, 'client_id differs from the client assertion sub'],
  ])('refuses %j as invalid_client: %s', (body, message) => {
    expect(() => presentedCredentials(req(), body)).toThrow(new InvalidClient(message));
  });

  it('refuses an assertion next to another method', () => {
    const body = { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: unsigned({ alg: 'HS256' }, { sub: 'c1' }) };
    expect(() => presentedCredentials(req('Basic YzE6cw=='), body)).toThrow(InvalidRequest);
    expect(() => presentedCredentials(req(), { ...body, client_secret: 's' })).toThrow(InvalidRequest);
  });
});
