import { createSign, generateKeyPairSync } from 'node:crypto';
import { ClientMetadata, kzCheckDigit } from '@idp/domain';
import { Client } from '../../clients/clients.service';
import { partnerKeyProblem } from '../../clients/partner-key';
import { InvalidRequest } from '../../errors/oauth.errors';
import { AuthorizeContext } from '../authorize-context';
import { checkBin, checkIin, checkOtpConfirmation } from './check-partner-hints';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const IIN = '90010130045' + kzCheckDigit('90010130045');
const sign = (text: string) => createSign('sha256').update(text).sign(privateKey).toString('base64');

function ctx(params: Record<string, string>, metadata: Partial<ClientMetadata> = {}, scopes = ['openid']): AuthorizeContext {
  const client = { clientId: 'c', metadata: { partner_public_key: publicKey.export({ type: 'spki', format: 'pem' }) as string, ...metadata } } as unknown as Client;
  return { params, client, request: { scopes } };
}
const failure = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return err instanceof InvalidRequest ? err.description : `not invalid_request: ${err}`;
  }
  return null;
};

describe('checkIin', () => {
  it('locks a signed IIN and only pre-fills an unsigned one', () => {
    const signed = ctx({ iin: IIN, iin_signature: sign(IIN) });
    checkIin(signed);
    expect(signed.request).toMatchObject({ iin: IIN, iin_locked: true });
    const plain = ctx({ iin: IIN });
    checkIin(plain);
    expect(plain.request.iin).toBe(IIN);
    expect(plain.request.iin_locked).toBeUndefined();
  });

  it('refuses a bad checksum, a tampered or url-safe signature, a signature without iin or key', () => {
    expect(failure(() => checkIin(ctx({ iin: IIN.slice(0, 11) + ((Number(IIN[11]) + 1) % 10) })))).toBe('iin must be 12 digits with a valid check digit');
    expect(failure(() => checkIin(ctx({ iin: IIN, iin_signature: sign(IIN + ' ') })))).toBe("iin_signature does not verify with the client's partner_public_key");
    const urlSafe = sign(IIN).replace(/\+/g, '-').replace(/\//g, '_');
    if (urlSafe !== sign(IIN)) expect(failure(() => checkIin(ctx({ iin: IIN, iin_signature: urlSafe })))).toBe('iin_signature must be standard base64 (not url-safe), URL-encoded in the query');
    expect(failure(() => checkIin(ctx({ iin_signature: sign(IIN) })))).toBe('iin_signature was given without iin');
    expect(failure(() => checkIin(ctx({ iin: IIN, iin_signature: sign(IIN) }, { partner_public_key: undefined })))).toBe('iin_signature cannot be checked: the client has no partner_public_key');
  });

  it('with iin_signature_required, wants a signed IIN', () => {
    expect(failure(() => checkIin(ctx({}, { iin_signature_required: true })))).toBe('this client requires iin with a valid iin_signature');
    expect(failure(() => checkIin(ctx({ iin: IIN }, { iin_signature_required: true })))).toBe('this client requires iin with a valid iin_signature');
    expect(failure(() => checkIin(ctx({ iin: IIN, iin_signature: sign(IIN) }, { iin_signature_required: true })))).toBeNull();
  });
});

describe('checkBin and checkOtpConfirmation', () => {
  const BIN = '15034000001' + kzCheckDigit('15034000001');
  it('keeps a valid bin only with ul_sign', () => {
    const withScope = ctx({ bin: BIN }, {}, ['openid', 'ul_sign']);
    checkBin(withScope);
    expect(withScope.request.bin).toBe(BIN);
    const without = ctx({ bin: BIN });
    checkBin(without);
    expect(without.request.bin).toBeUndefined();
    expect(failure(() => checkBin(ctx({ bin: '12345' })))).toBe('bin must be a 12-digit organisation number with a valid check digit');
  });

  it('wants the phone with otp_confirmation', () => {
    expect(failure(() => checkOtpConfirmation(ctx({ otp_confirmation: 'x' })))).toBe('otp_confirmation needs the phone it was issued for (+ and 7 to 15 digits)');
    const ok = ctx({ otp_confirmation: 'x' });
    ok.request.phone = '+77010000000';
    expect(failure(() => checkOtpConfirmation(ok))).toBeNull();
  });
});

describe('partnerKeyProblem', () => {
  it('accepts RSA public keys as PEM or JWK, and nothing else', () => {
    expect(partnerKeyProblem(publicKey.export({ type: 'spki', format: 'pem' }))).toBeNull();
    expect(partnerKeyProblem(publicKey.export({ type: 'pkcs1', format: 'pem' }))).toBeNull();
    expect(partnerKeyProblem(publicKey.export({ format: 'jwk' }))).toBeNull();
    expect(partnerKeyProblem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }))).toBe('must be an RSA key of at least 2048 bits');
    expect(partnerKeyProblem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }))).toBe('must be an RSA public key as PEM text or a JWK object');
    expect(partnerKeyProblem(['x'])).toBe('must be an RSA public key as PEM text or a JWK object');
  });
});
