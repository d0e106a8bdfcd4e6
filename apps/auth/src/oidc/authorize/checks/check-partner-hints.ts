import { createVerify } from 'node:crypto';
import { isValidBin, isValidIin } from '@idp/domain';
import { partnerPublicKey } from '../../clients/partner-key';
import { InvalidRequest } from '../../errors/oauth.errors';
import { AuthorizeContext } from '../authorize-context';

/** Standard base64 (RFC 4648 4) with its padding; the url-safe alphabet (`-`, `_`) is refused. */
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Aitu's `iin` and `iin_signature`: a valid IIN pre-fills the IIN step; signed by the partner
 * (SHA256withRSA over the 12 digits, standard base64) it is locked. A client with
 * `iin_signature_required` accepts only signed ones.
 */
export function checkIin(ctx: AuthorizeContext): void {
  const { iin, iin_signature: signature } = ctx.params;
  const client = ctx.client!;
  if (iin !== undefined && !isValidIin(iin)) throw new InvalidRequest('iin must be 12 digits with a valid check digit');
  if (signature !== undefined) {
    if (iin === undefined) throw new InvalidRequest('iin_signature was given without iin');
    if (!STANDARD_BASE64.test(signature) || !signature) throw new InvalidRequest('iin_signature must be standard base64 (not url-safe), URL-encoded in the query');
    const key = client.metadata.partner_public_key;
    if (!key) throw new InvalidRequest('iin_signature cannot be checked: the client has no partner_public_key');
    const valid = createVerify('sha256').update(iin, 'utf8').verify(partnerPublicKey(key), Buffer.from(signature, 'base64'));
    if (!valid) throw new InvalidRequest('iin_signature does not verify with the client\'s partner_public_key');
    ctx.request.iin_locked = true;
  } else if (client.metadata.iin_signature_required) {
    throw new InvalidRequest('this client requires iin with a valid iin_signature');
  }
  if (iin !== undefined) ctx.request.iin = iin;
}

/** Aitu's `bin`: an organisation's number, only meaningful with the `ul_sign` scope. */
export function checkBin(ctx: AuthorizeContext): void {
  const bin = ctx.params.bin;
  if (bin === undefined) return;
  if (!isValidBin(bin)) throw new InvalidRequest('bin must be a 12-digit organisation number with a valid check digit');
  if (ctx.request.scopes?.includes('ul_sign')) ctx.request.bin = bin;
}

/** `otp_confirmation` (a partner's trusted-phone secret) only makes sense for the phone it was issued for. */
export function checkOtpConfirmation(ctx: AuthorizeContext): void {
  const secret = ctx.params.otp_confirmation;
  if (secret === undefined) return;
  if (!ctx.request.phone) throw new InvalidRequest('otp_confirmation needs the phone it was issued for (+ and 7 to 15 digits)');
  if (!secret || secret.length > 200) throw new InvalidRequest('otp_confirmation is malformed');
}
