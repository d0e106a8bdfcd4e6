import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificateConfig } from './certificate-config';

const fail = (message: string) => new Error(message);
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

describe('certificate login configuration (CERT_*)', () => {
  it('defaults to no anchors, no mapping, no proxy, 300 s challenges', () => {
    expect(loadCertificateConfig({}, fail)).toEqual({ trustBundle: '', challengeTtl: 300, subjectMapping: undefined, proxyHeader: undefined, proxyAddresses: [] });
  });

  it('takes the bundle inline or from a file, and names the variable when the file is missing or holds no certificate', () => {
    expect(loadCertificateConfig({ CERT_TRUST_BUNDLE: PEM }, fail).trustBundle).toBe(PEM);
    const dir = mkdtempSync(join(tmpdir(), 'cert-config-'));
    writeFileSync(join(dir, 'ca.pem'), PEM);
    writeFileSync(join(dir, 'empty.pem'), 'nothing');
    expect(loadCertificateConfig({ CERT_TRUST_BUNDLE: join(dir, 'ca.pem') }, fail).trustBundle).toBe(PEM);
    expect(() => loadCertificateConfig({ CERT_TRUST_BUNDLE: join(dir, 'missing.pem') }, fail)).toThrow(/^CERT_TRUST_BUNDLE: no file at/);
    expect(() => loadCertificateConfig({ CERT_TRUST_BUNDLE: join(dir, 'empty.pem') }, fail)).toThrow(/holds no PEM certificate/);
  });

  it('reads the subject mapping and refuses a malformed one', () => {
    expect(loadCertificateConfig({ CERT_SUBJECT_MAPPING: 'serialNumber:login:IIN' }, fail).subjectMapping).toEqual({ attribute: 'serialNumber', field: 'login', stripPrefix: 'IIN' });
    expect(loadCertificateConfig({ CERT_SUBJECT_MAPPING: 'E:email' }, fail).subjectMapping).toEqual({ attribute: 'E', field: 'email', stripPrefix: '' });
    expect(loadCertificateConfig({ CERT_SUBJECT_MAPPING: 'serialNumber:iin:IIN' }, fail).subjectMapping).toEqual({ attribute: 'serialNumber', field: 'iin', stripPrefix: 'IIN' });
    expect(() => loadCertificateConfig({ CERT_SUBJECT_MAPPING: 'serialNumber:phone' }, fail)).toThrow(/^CERT_SUBJECT_MAPPING must be/);
    expect(() => loadCertificateConfig({ CERT_SUBJECT_MAPPING: 'shoe size:login' }, fail)).toThrow(/^CERT_SUBJECT_MAPPING must be/);
  });

  it('requires proxy addresses with the proxy header, as IP addresses', () => {
    expect(loadCertificateConfig({ CERT_PROXY_HEADER: 'X-SSL-Client-Cert', CERT_PROXY_ADDRESSES: '10.0.0.5, ::1' }, fail)).toMatchObject({ proxyHeader: 'x-ssl-client-cert', proxyAddresses: ['10.0.0.5', '::1'] });
    expect(() => loadCertificateConfig({ CERT_PROXY_HEADER: 'x-ssl-client-cert' }, fail)).toThrow('CERT_PROXY_ADDRESSES is required with CERT_PROXY_HEADER: the header is believed only from those proxies');
    expect(() => loadCertificateConfig({ CERT_PROXY_HEADER: 'x', CERT_PROXY_ADDRESSES: 'proxy.local' }, fail)).toThrow(/^CERT_PROXY_ADDRESSES must be IP addresses/);
    expect(() => loadCertificateConfig({ CERT_CHALLENGE_TTL: '5' }, fail)).toThrow(/^CERT_CHALLENGE_TTL must be an integer >= 30/);
  });
});
