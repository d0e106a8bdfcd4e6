import { TestPki } from '@idp/testing';
import { normaliseThumbprint, parseBundle, parseCertificate, parseCrl, thumbprints } from './certificate-parse';
import { validateCertificate } from './certificate.validator';

describe('certificate validator', () => {
  let pki: TestPki;
  let ecPki: TestPki;
  let foreign: TestPki;
  const now = () => new Date();

  beforeAll(async () => {
    [pki, ecPki, foreign] = await Promise.all([TestPki.create('Unit'), TestPki.create('UnitEC', 'ec'), TestPki.create('Foreign')]);
  });

  const trustRoot = () => ({ anchors: parseBundle(pki.root.certPem + pki.intermediate.certPem), crls: [] });

  it('accepts an RSA user certificate chained through the intermediate to the root', async () => {
    const user = await pki.user('CN=Aigerim, 2.5.4.5=IIN880101300123');
    const out = await validateCertificate(user.cert, trustRoot(), now());
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.chain.map((c) => c.subject)).toEqual([user.cert.subject, pki.intermediate.cert.subject]);
  });

  it('accepts an EC user certificate of an EC PKI, with only the root trusted and the intermediate in the bundle', async () => {
    const user = await ecPki.user('CN=EC user', 'ec');
    const out = await validateCertificate(user.cert, { anchors: [ecPki.root.cert, ecPki.intermediate.cert], crls: [] }, now());
    expect(out).toMatchObject({ ok: true });
  });

  it('refuses expired and not-yet-valid certificates', async () => {
    expect(await validateCertificate((await pki.expired('CN=Old')).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'expired' });
    expect(await validateCertificate((await pki.notYetValid('CN=Future')).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'not_yet_valid' });
  });

  it('refuses a certificate of a foreign CA, and one whose issuer name matches but whose signature does not', async () => {
    expect(await validateCertificate((await foreign.user('CN=Stranger')).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'untrusted_issuer' });
    // Same names, other keys: only the signature tells them apart.
    const twin = await TestPki.create('Unit');
    expect(await validateCertificate((await twin.user('CN=Twin')).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'untrusted_issuer' });
  });

  it('refuses when the trust store is empty', async () => {
    expect(await validateCertificate((await pki.user('CN=Alone')).cert, { anchors: [], crls: [] }, now())).toEqual({ ok: false, problem: 'untrusted_issuer' });
  });

  it('refuses wrong key usage, an extended key usage without clientAuth, and a CA certificate', async () => {
    expect(await validateCertificate((await pki.wrongKeyUsage('CN=Signer')).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'wrong_key_usage' });
    expect(await validateCertificate((await pki.wrongExtendedKeyUsage('CN=Mail')).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'wrong_key_usage' });
    expect(await validateCertificate(pki.intermediate.cert, trustRoot(), now())).toEqual({ ok: false, problem: 'wrong_key_usage' });
  });

  it('refuses an RSA key under 2048 bits', async () => {
    expect(await validateCertificate((await pki.issue({ subject: 'CN=Weak', rsaBits: 1024 })).cert, trustRoot(), now())).toEqual({ ok: false, problem: 'unsupported_key' });
  });

  it('accepts a certificate without an extended key usage extension', async () => {
    expect(await validateCertificate((await pki.issue({ subject: 'CN=No EKU', eku: [] })).cert, trustRoot(), now())).toMatchObject({ ok: true });
  });

  it('refuses a revoked certificate by its issuer CRL, and not the others', async () => {
    const revoked = await pki.user('CN=Revoked');
    const fine = await pki.user('CN=Fine');
    const trust = { ...trustRoot(), crls: [parseCrl(await pki.crl([revoked]))!] };
    expect(await validateCertificate(revoked.cert, trust, now())).toEqual({ ok: false, problem: 'revoked' });
    expect(await validateCertificate(fine.cert, trust, now())).toMatchObject({ ok: true });
  });

  it('ignores a CRL not signed by the issuer', async () => {
    const user = await pki.user('CN=Forged CRL target');
    const forged = parseCrl(await (await TestPki.create('Unit')).crl([user]))!;
    expect(await validateCertificate(user.cert, { ...trustRoot(), crls: [forged] }, now())).toMatchObject({ ok: true });
  });

  it('treats a CRL past its nextUpdate as unknown revocation status, and the newest CRL of an issuer decides', async () => {
    const user = await pki.user('CN=Stale');
    const stale = parseCrl(await pki.crl([], { thisUpdate: new Date(Date.now() - 10 * 86400e3), nextUpdate: new Date(Date.now() - 86400e3) }))!;
    expect(await validateCertificate(user.cert, { ...trustRoot(), crls: [stale] }, now())).toEqual({ ok: false, problem: 'revocation_unknown' });
    const fresh = parseCrl(await pki.crl([]))!;
    expect(await validateCertificate(user.cert, { ...trustRoot(), crls: [stale, fresh] }, now())).toMatchObject({ ok: true });
  });

  it('reads PEM and base64 DER, and refuses anything else', async () => {
    const user = await pki.user('CN=Parse');
    expect(parseCertificate(user.certPem)?.subject).toBe(user.cert.subject);
    expect(parseCertificate(user.der)?.subject).toBe(user.cert.subject);
    expect(parseCertificate(Buffer.from(user.cert.rawData).toString('base64url'))?.subject).toBe(user.cert.subject);
    expect(parseCertificate('not a certificate')).toBeNull();
    expect(parseCertificate(Buffer.from('garbage').toString('base64'))).toBeNull();
    expect(parseCertificate(user.certPem + user.certPem)).toBeNull();
    expect(parseCertificate(42)).toBeNull();
  });

  it('computes SHA-1 and SHA-256 thumbprints and normalises typed ones', async () => {
    const user = await pki.user('CN=Thumb');
    expect(await thumbprints(user.cert)).toEqual({ sha1: user.sha1, sha256: user.sha256 });
    expect(normaliseThumbprint(user.sha1.toLowerCase().replace(/(..)/g, '$1:').slice(0, -1))).toBe(user.sha1);
    expect(normaliseThumbprint('abc')).toBeNull();
  });
});
