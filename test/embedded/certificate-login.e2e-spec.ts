import { getDataSourceToken } from '@nestjs/typeorm';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DataSource } from 'typeorm';
import { BusClient, EventPublisher, InProcessEventPublisher } from '@idp/bus';
import { AccountsSubjects, DomainEvent } from '@idp/contracts';
import { TestCredential, TestPki, decryptChallenge, postForm } from '@idp/testing';
import { EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform';

/**
 * Kontur's two-step certificate login over the API: step 1 POST /authentication/certificate,
 * step 2 grant_type=certificate; the trust store admin API; every refusal with its exact body.
 */
describe('certificate login API (embedded)', () => {
  let platform: EmbeddedPlatform;
  let pki: TestPki;
  let foreign: TestPki;
  let client: { client_id: string; client_secret: string };
  let userId: string;
  let alice: TestCredential;
  let aliceEc: TestCredential;
  const events: DomainEvent[] = [];

  const refusal = (certificate_error: string, error_description: string) => ({ error: 'invalid_grant', error_description, certificate_error });
  const step1 = (publicKey: string | undefined, c: { client_id: string; client_secret: string } = client) =>
    postForm(`${platform.base}/authentication/certificate`, { client_id: c.client_id, client_secret: c.client_secret, ...(publicKey !== undefined ? { public_key: publicKey } : {}) });
  const step2 = (decrypted_key: string, thumbprint: string, extra: Record<string, string> = {}, c = client) =>
    postForm(`${platform.base}/connect/token`, { grant_type: 'certificate', client_id: c.client_id, client_secret: c.client_secret, decrypted_key, thumbprint, ...extra });
  /** Both steps as the desktop helper does them. */
  async function signIn(cred: TestCredential, thumbprint = cred.sha1, extra: Record<string, string> = {}) {
    const challenge = await step1(cred.der);
    expect(challenge.status).toBe(200);
    return step2(await decryptChallenge(challenge.json.encrypted_key, cred.keyPem), thumbprint, extra);
  }

  beforeAll(async () => {
    [pki, foreign] = await Promise.all([TestPki.create('Acme'), TestPki.create('Foreign')]);
    // Only the root comes from configuration; the intermediate is added through the admin API below.
    platform = await startEmbeddedPlatform({ CERT_TRUST_BUNDLE: pki.root.certPem, CERT_SUBJECT_MAPPING: 'serialNumber:iin:IIN' });
    (platform.app.get(EventPublisher) as InProcessEventPublisher).emitter.on('event', (e: DomainEvent) => events.push(e));
    client = await platform.admin.createClient({
      client_name: 'Extern desktop',
      grant_types: ['certificate', 'refresh_token'],
      scope: 'openid profile offline_access',
      allowed_login_methods: ['password', 'certificate'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    userId = (await platform.admin.createUser({ login: 'alice', password: 'correct horse 1', given_name: 'Alice' })).id;
    [alice, aliceEc] = await Promise.all([pki.user('CN=Alice Example, O=Acme'), pki.user('CN=Alice EC, O=Acme', 'ec')]);
  });

  afterAll(() => platform.close());

  it('discovery lists the certificate grant', async () => {
    const meta = await (await fetch(`${platform.base}/.well-known/openid-configuration`)).json();
    expect(meta.grant_types_supported).toContain('certificate');
  });

  it('refuses a certificate whose intermediate is not yet trusted, then trusts the intermediate added by an administrator', async () => {
    expect(await step1(alice.der)).toMatchObject({ status: 400, json: refusal('untrusted_issuer', 'the certificate was not issued by a trusted certification authority') });

    const added = await platform.admin.call('POST', '/admin/trust-anchors', { certificate: pki.intermediate.certPem });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ sha1: pki.intermediate.sha1, sha256: pki.intermediate.sha256, subject: pki.intermediate.cert.subject, source: 'admin' });
    expect(await platform.admin.call('POST', '/admin/trust-anchors', { certificate: pki.intermediate.der })).toMatchObject({ status: 409, json: { error: 'conflict' } });
    expect(await platform.admin.call('POST', '/admin/trust-anchors', { certificate: alice.certPem })).toMatchObject({
      status: 400,
      json: { error: 'invalid_request', fields: { certificate: 'is not a CA certificate (basicConstraints cA)' } },
    });
    expect(await platform.admin.call('POST', '/admin/trust-anchors', { certificate: 'nope' })).toMatchObject({ status: 400, json: { fields: { certificate: 'must be one X.509 certificate, PEM or base64 DER' } } });

    const list = await platform.admin.call('GET', '/admin/trust-anchors');
    expect(list.json.map((a: any) => [a.subject, a.source])).toEqual([
      [pki.root.cert.subject, 'config'],
      [pki.intermediate.cert.subject, 'admin'],
    ]);
    const configured = list.json.find((a: any) => a.source === 'config');
    expect(await platform.admin.call('DELETE', `/admin/trust-anchors/${configured.id}`)).toMatchObject({ status: 409, json: { error_description: 'this anchor comes from CERT_TRUST_BUNDLE; remove it there' } });
    expect((await platform.admin.call('GET', '/admin/trust-anchors', undefined)).status).toBe(200);
    expect((await fetch(`${platform.base}/admin/trust-anchors`)).status).toBe(401);
  });

  it('binds certificates through the admin API and lists them', async () => {
    const bound = await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: alice.certPem });
    expect(bound.status).toBe(201);
    expect(bound.json).toMatchObject({ sha1: alice.sha1, sha256: alice.sha256, subject: 'CN=Alice Example, O=Acme', issuer: pki.intermediate.cert.subject, source: 'admin' });
    expect((await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: aliceEc.der })).status).toBe(201);
    expect(await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: alice.der })).toMatchObject({ status: 409, json: { error_description: 'this certificate is already bound to this account' } });
    const other = await platform.admin.createUser({ login: 'mallory', password: 'correct horse 2' });
    expect(await platform.admin.call('POST', `/admin/users/${other.id}/certificates`, { certificate: alice.der })).toMatchObject({ status: 409, json: { error_description: 'this certificate is bound to another account' } });
    const expired = await pki.expired('CN=Old Alice');
    expect(await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: expired.der })).toMatchObject({ status: 400, json: { fields: { certificate: 'the certificate has expired' } } });
    expect(await platform.admin.call('POST', `/admin/users/00000000-0000-4000-8000-000000000000/certificates`, { certificate: (await pki.user('CN=Nobody')).der })).toMatchObject({ status: 404 });
    const list = await platform.admin.call('GET', `/admin/users/${userId}/certificates`);
    expect(list.json.map((c: any) => c.sha1)).toEqual([alice.sha1, aliceEc.sha1]);
  });

  it('step 1 answers a compact JWE (RSA-OAEP-256, A256GCM) and the chain thumbprints; step 2 issues tokens for the bound account', async () => {
    const challenge = await step1(alice.der);
    expect(challenge.status).toBe(200);
    expect(challenge.headers.get('cache-control')).toBe('no-store');
    expect(challenge.json).toEqual({ encrypted_key: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/), trusted_thumbprints: [alice.sha1, pki.intermediate.sha1], expires_in: 300 });
    expect(decodeProtectedHeader(challenge.json.encrypted_key)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });

    const key = await decryptChallenge(challenge.json.encrypted_key, alice.keyPem);
    const tokens = await step2(key, alice.sha1.toLowerCase(), { scope: 'openid profile offline_access' });
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', scope: 'openid profile offline_access', refresh_token: expect.any(String), id_token: expect.any(String) });
    expect(decodeJwt(tokens.json.id_token)).toMatchObject({ sub: userId, amr: ['x509'], aud: client.client_id });
    const info = await fetch(`${platform.base}/connect/userinfo`, { headers: { Authorization: `Bearer ${tokens.json.access_token}` } });
    expect(await info.json()).toMatchObject({ sub: userId, given_name: 'Alice' });

    // The same challenge answered again.
    expect(await step2(key, alice.sha1)).toMatchObject({ status: 400, json: refusal('replayed', 'this challenge was already used; request a new one') });
  });

  it('works for an EC certificate (ECDH-ES) with the SHA-256 thumbprint, without openid no ID token', async () => {
    const challenge = await step1(aliceEc.certPem);
    expect(decodeProtectedHeader(challenge.json.encrypted_key)).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM' });
    const tokens = await step2(await decryptChallenge(challenge.json.encrypted_key, aliceEc.keyPem), aliceEc.sha256, { scope: 'profile' });
    expect(tokens.status).toBe(200);
    expect(tokens.json.id_token).toBeUndefined();
    expect(tokens.json.refresh_token).toBeUndefined();
    expect(decodeJwt(tokens.json.access_token)).toMatchObject({ sub: userId });
  });

  it('step 1 refuses expired, not yet valid, foreign, wrong key usage and malformed certificates with exact errors', async () => {
    expect(await step1((await pki.expired('CN=Old')).der)).toMatchObject({ status: 400, json: refusal('expired', 'the certificate has expired') });
    expect(await step1((await pki.notYetValid('CN=Future')).der)).toMatchObject({ status: 400, json: refusal('not_yet_valid', 'the certificate is not yet valid') });
    expect(await step1((await foreign.user('CN=Stranger')).der)).toMatchObject({ status: 400, json: refusal('untrusted_issuer', 'the certificate was not issued by a trusted certification authority') });
    const usage = "the certificate's key usage does not allow signing in (digitalSignature or keyEncipherment, and clientAuth when it lists extended key usages)";
    expect(await step1((await pki.wrongKeyUsage('CN=Signer')).der)).toMatchObject({ status: 400, json: refusal('wrong_key_usage', usage) });
    expect(await step1((await pki.wrongExtendedKeyUsage('CN=Mail')).der)).toMatchObject({ status: 400, json: refusal('wrong_key_usage', usage) });
    expect(await step1((await pki.issue({ subject: 'CN=Weak', rsaBits: 1024 })).der)).toMatchObject({
      status: 400,
      json: refusal('unsupported_key', "the certificate's key is neither RSA of 2048 bits or more nor EC on P-256, P-384 or P-521"),
    });
    expect(await step1('bm90IGEgY2VydGlmaWNhdGU=')).toEqual(expect.objectContaining({ status: 400, json: { error: 'invalid_request', error_description: 'public_key is not an X.509 certificate (base64 DER or PEM)' } }));
    expect(await step1(undefined)).toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'missing parameter: public_key' } });
    expect(await step1(alice.der, { ...client, client_secret: 'wrong' })).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses native clients, clients without certificate in allowed_login_methods, and clients without the grant, at both steps', async () => {
    const native = await platform.admin.createClient({ client_name: 'Mobile', application_type: 'native', redirect_uris: ['com.acme.app:/cb'], grant_types: ['certificate'], allowed_login_methods: ['certificate'], token_endpoint_auth_method: 'client_secret_post' });
    const noMethod = await platform.admin.createClient({ client_name: 'Password only', grant_types: ['certificate'], allowed_login_methods: ['password'], token_endpoint_auth_method: 'client_secret_post' });
    const noGrant = await platform.admin.createClient({ client_name: 'No grant', grant_types: ['client_credentials'], scope: 'openid', allowed_login_methods: ['certificate'], token_endpoint_auth_method: 'client_secret_post' });
    const nativeBody = { error: 'unauthorized_client', error_description: 'certificate login is not available to native (mobile) applications' };
    const methodBody = { error: 'unauthorized_client', error_description: 'this client does not allow certificate login (allowed_login_methods)' };
    expect(await step1(alice.der, native)).toMatchObject({ status: 400, json: nativeBody });
    expect(await step1(alice.der, noMethod)).toMatchObject({ status: 400, json: methodBody });
    expect(await step1(alice.der, noGrant)).toMatchObject({ status: 400, json: { error: 'unauthorized_client', error_description: 'this client may not use the certificate grant' } });
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(await step2(key, alice.sha1, {}, native)).toMatchObject({ status: 400, json: nativeBody });
    expect(await step2(key, alice.sha1, {}, noMethod)).toMatchObject({ status: 400, json: methodBody });
    expect(await step2(key, alice.sha1, {}, noGrant)).toMatchObject({ status: 400, json: { error: 'unauthorized_client', error_description: 'this client may not use the certificate grant' } });
  });

  it('step 2 refuses a wrong key, a thumbprint of another certificate, a malformed thumbprint and an unbound certificate', async () => {
    const challenge = await step1(alice.der);
    const key = await decryptChallenge(challenge.json.encrypted_key, alice.keyPem);
    const wrong = refusal('wrong_key', 'the decrypted key does not match a challenge for this certificate');
    expect(await step2(Buffer.alloc(32, 7).toString('base64'), alice.sha1)).toMatchObject({ status: 400, json: wrong });
    expect(await step2('short', alice.sha1)).toMatchObject({ status: 400, json: wrong });
    expect(await step2(key, aliceEc.sha1)).toMatchObject({ status: 400, json: wrong });
    expect(await step2(key, 'xyz')).toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: "thumbprint must be the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint" } });
    expect(await postForm(`${platform.base}/connect/token`, { grant_type: 'certificate', ...client, thumbprint: alice.sha1 })).toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'missing parameter: decrypted_key' } });
    // The right answer still works after the wrong ones: a wrong guess does not burn the challenge.
    expect((await step2(key, alice.sha1)).status).toBe(200);

    const stranger = await pki.user('CN=Unbound Person');
    expect(await signIn(stranger)).toMatchObject({ status: 400, json: refusal('unbound', 'no account is bound to this certificate') });
    const types = events.map((e) => [e.type, e.data]);
    expect(types).toContainEqual(['user.login_succeeded', { sub: userId, client_id: client.client_id, amr: ['x509'] }]);
    expect(types).toContainEqual(['user.login_failed', { client_id: client.client_id, reason: 'certificate_unbound' }]);
    expect(types).toContainEqual(['user.login_failed', { client_id: client.client_id, reason: 'certificate_wrong_key' }]);
  });

  it('refuses a challenge past its lifetime', async () => {
    const challenge = await step1(alice.der);
    const key = await decryptChallenge(challenge.json.encrypted_key, alice.keyPem);
    // Five minutes pass (moved in the database rather than waited for).
    const authDb = platform.app.get<DataSource>(getDataSourceToken('auth'));
    await authDb.query(`UPDATE auth.certificate_challenges SET expires_at = now() - interval '1 second' WHERE jwe = $1`, [challenge.json.encrypted_key]);
    expect(await step2(key, alice.sha1)).toMatchObject({ status: 400, json: refusal('challenge_expired', 'the challenge has expired; request a new one') });
  });

  it('maps a certificate bound to no account by its subject serialNumber (IIN) to the account holding that IIN', async () => {
    const kazakh = await platform.admin.createUser({ login: 'aigerim', password: 'correct horse 3' });
    const set = await platform.app.get(BusClient).request(AccountsSubjects.iinSet, { sub: kazakh.id, iin: '880101300123' });
    expect(set.ok).toBe(true);
    const cred = await pki.user('CN=Айгерим Сапарова, 2.5.4.5=IIN880101300123, C=KZ');
    const tokens = await signIn(cred);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.json.id_token)).toMatchObject({ sub: kazakh.id, amr: ['x509'] });
    const unbound = refusal('unbound', 'no account is bound to this certificate');
    // A valid IIN no account holds, a malformed one, and no serialNumber at all.
    expect(await signIn(await pki.user('CN=Someone, 2.5.4.5=IIN990101300995, C=KZ'))).toMatchObject({ status: 400, json: unbound });
    expect(await signIn(await pki.user('CN=Typo, 2.5.4.5=IIN880101300124, C=KZ'))).toMatchObject({ status: 400, json: unbound });
    expect(await signIn(await pki.user('CN=Aigerim Without Serial, C=KZ'))).toMatchObject({ status: 400, json: unbound });
  });

  it('refuses a locked account', async () => {
    const bob = await platform.admin.createUser({ login: 'bob', password: 'correct horse 4' });
    const cred = await pki.user('CN=Bob');
    expect((await platform.admin.call('POST', `/admin/users/${bob.id}/certificates`, { certificate: cred.der })).status).toBe(201);
    expect((await platform.admin.call('PATCH', `/admin/users/${bob.id}`, { locked: true })).status).toBe(200);
    expect(await signIn(cred)).toMatchObject({ status: 400, json: refusal('locked', 'the account of this certificate is locked') });
  });

  it('an anchor an administrator removes is trusted no more, at once', async () => {
    const visitor = await foreign.user('CN=Visitor');
    const added = await platform.admin.call('POST', '/admin/trust-anchors', { certificate: foreign.intermediate.certPem });
    expect(added.status).toBe(201);
    expect((await step1(visitor.der)).status).toBe(200);
    expect((await platform.admin.call('DELETE', `/admin/trust-anchors/${added.json.id}`)).status).toBe(204);
    expect(await step1(visitor.der)).toMatchObject({ status: 400, json: refusal('untrusted_issuer', 'the certificate was not issued by a trusted certification authority') });
    expect(await platform.admin.call('DELETE', `/admin/trust-anchors/${added.json.id}`)).toMatchObject({ status: 404, json: { error: 'not_found' } });
  });

  it('an administrator removes a binding; the certificate is then unbound', async () => {
    const spare = await pki.user('CN=Alice Spare');
    const bound = await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: spare.der });
    expect((await signIn(spare)).status).toBe(200);
    expect((await platform.admin.call('DELETE', `/admin/users/${userId}/certificates/${bound.json.id}`)).status).toBe(204);
    expect(await platform.admin.call('DELETE', `/admin/users/${userId}/certificates/${bound.json.id}`)).toMatchObject({ status: 404, json: { error: 'not_found', error_description: 'certificate not found' } });
    expect(await signIn(spare)).toMatchObject({ status: 400, json: refusal('unbound', 'no account is bound to this certificate') });
  });

  it('CRLs: an administrator uploads one, a revoked certificate is refused at step 1 and between the steps, stale and foreign CRLs are refused', async () => {
    const carol = await pki.user('CN=Carol');
    const dave = await pki.user('CN=Dave');
    for (const c of [carol, dave]) expect((await platform.admin.call('POST', `/admin/users/${userId}/certificates`, { certificate: c.der })).status).toBe(201);
    // Dave gets his challenge, then his certificate is revoked before he answers it.
    const daveChallenge = await step1(dave.der);
    expect(daveChallenge.status).toBe(200);

    const crl = await platform.admin.call('POST', '/admin/crls', { crl: await pki.crl([carol, dave]) });
    expect(crl).toMatchObject({ status: 201, json: { issuer: pki.intermediate.cert.subject, revoked_count: 2, next_update: expect.any(String) } });
    const revoked = refusal('revoked', 'the certificate has been revoked');
    expect(await step1(carol.der)).toMatchObject({ status: 400, json: revoked });
    expect(await step2(await decryptChallenge(daveChallenge.json.encrypted_key, dave.keyPem), dave.sha1)).toMatchObject({ status: 400, json: revoked });
    expect((await signIn(alice)).status).toBe(200);

    expect(await platform.admin.call('POST', '/admin/crls', { crl: await foreign.crl([]) })).toMatchObject({ status: 400, json: { fields: { crl: 'is not signed by a trusted CA certificate' } } });
    const stale = await pki.crl([], { thisUpdate: new Date(Date.now() - 10 * 86400e3), nextUpdate: new Date(Date.now() - 86400e3) });
    expect(await platform.admin.call('POST', '/admin/crls', { crl: stale })).toMatchObject({ status: 400, json: { fields: { crl: 'is past its nextUpdate' } } });
    const older = await pki.crl([], { thisUpdate: new Date(Date.now() - 2 * 86400e3) });
    expect(await platform.admin.call('POST', '/admin/crls', { crl: older })).toMatchObject({ status: 409, json: { error: 'conflict' } });
    expect(await platform.admin.call('POST', '/admin/crls', { crl: 'garbage' })).toMatchObject({ status: 400, json: { fields: { crl: 'must be an X.509 CRL, PEM or base64 DER' } } });
    expect((await platform.admin.call('GET', '/admin/crls')).json).toEqual([crl.json]);
  });
});
