import { UserEntity } from '@idp/domain';
import { effectiveMethods, usableMethods } from './account-view';

const user = (over: Partial<UserEntity>) => Object.assign(new UserEntity(), { passwordHash: null, phone: null, phoneVerified: false, email: null, emailVerified: false, loginMethods: null }, over);

describe('sign-in methods of an account', () => {
  it('are usable only with a password or a verified identifier', () => {
    expect(usableMethods(user({ passwordHash: 'h' }))).toEqual(['password']);
    expect(usableMethods(user({ phone: '+77070000000', phoneVerified: false, email: 'a@b.kz', emailVerified: true }))).toEqual(['email_otp']);
    expect(usableMethods(user({ passwordHash: 'h', phone: '+77070000000', phoneVerified: true }))).toEqual(['password', 'phone_otp']);
  });

  it('count only when switched on and usable', () => {
    expect(effectiveMethods(user({ passwordHash: 'h', phone: '+77070000000', phoneVerified: true }))).toEqual(['password', 'phone_otp']);
    expect(effectiveMethods(user({ passwordHash: 'h', phone: '+77070000000', phoneVerified: true, loginMethods: ['phone_otp'] }))).toEqual(['phone_otp']);
    expect(effectiveMethods(user({ passwordHash: 'h', loginMethods: ['phone_otp'] }))).toEqual([]);
  });
});
