import { SecondFactorMethod, SecondFactorStatus } from '@idp/contracts';

/**
 * The password grant's continuation: each second factor is a grant type of its own, sent with the
 * partial_factor_token the password grant answered. Names in our own URN space (RFC 6749 4.5).
 */
export const FACTOR_GRANT_TYPES = {
  totp: 'urn:idp:oauth:grant-type:totp',
  sms: 'urn:idp:oauth:grant-type:sms',
  backup_code: 'urn:idp:oauth:grant-type:backup_code',
} as const satisfies Record<SecondFactorMethod, string>;

export type FactorGrantType = (typeof FACTOR_GRANT_TYPES)[SecondFactorMethod];

/** What the client may complete with: `identity` names the factor (the masked phone for SMS). */
export function requiredFactors(status: SecondFactorStatus): Array<{ grant_type: FactorGrantType; identity: string }> {
  const factors: Array<{ grant_type: FactorGrantType; identity: string }> = [];
  if (status.totp) factors.push({ grant_type: FACTOR_GRANT_TYPES.totp, identity: 'authenticator app' });
  if (status.sms && status.phoneMasked) factors.push({ grant_type: FACTOR_GRANT_TYPES.sms, identity: status.phoneMasked });
  if (status.backupCodesLeft > 0) factors.push({ grant_type: FACTOR_GRANT_TYPES.backup_code, identity: 'backup code' });
  return factors;
}
