import { SecondFactorStatus } from '@idp/contracts';
import { withSecondFactor } from '../../../second-factor/second-factor.gate';
import { FACTOR_GRANT_TYPES, requiredFactors } from './factor-grant-types';
import { SecondFactorRequired } from './second-factor-required.error';

const status = (over: Partial<SecondFactorStatus>): SecondFactorStatus => ({
  totp: false, sms: false, smsAvailable: false, phoneMasked: null, backupCodesLeft: 0, required: false, enrolled: false, ...over,
});

describe('the password grant continuation', () => {
  it('lists only the factors the account has on, backup codes while any are left', () => {
    expect(requiredFactors(status({ totp: true, enrolled: true, backupCodesLeft: 10 }))).toEqual([
      { grant_type: FACTOR_GRANT_TYPES.totp, identity: 'authenticator app' },
      { grant_type: FACTOR_GRANT_TYPES.backup_code, identity: 'backup code' },
    ]);
    expect(requiredFactors(status({ sms: true, smsAvailable: true, phoneMasked: '+7707***4567', enrolled: true }))).toEqual([
      { grant_type: FACTOR_GRANT_TYPES.sms, identity: '+7707***4567' },
    ]);
  });

  it('answers invalid_grant with the partial_factor_token and required_factors beside the standard fields', () => {
    const err = new SecondFactorRequired('tok', [{ grant_type: FACTOR_GRANT_TYPES.totp, identity: 'authenticator app' }]);
    expect(err.status).toBe(400);
    expect(err.body()).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringContaining('second factor is required'),
      partial_factor_token: 'tok',
      required_factors: [{ grant_type: 'urn:idp:oauth:grant-type:totp', identity: 'authenticator app' }],
    });
  });

  it('amr after a second factor keeps the first, adds the second and mfa, once each', () => {
    expect(withSecondFactor(['pwd'], 'otp')).toEqual(['pwd', 'otp', 'mfa']);
    expect(withSecondFactor(['otp'], 'otp')).toEqual(['otp', 'mfa']);
    expect(withSecondFactor(null, 'sms')).toEqual(['sms', 'mfa']);
  });
});
