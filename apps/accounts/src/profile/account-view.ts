import { AccountIdentifier, AccountView, MessageLocale, USER_LOGIN_METHODS, UserLoginMethod } from '@idp/contracts';
import { UserEntity } from '@idp/domain';

/** Methods the account can actually use: a code method needs its verified identifier, password a password. */
export function usableMethods(user: Pick<UserEntity, 'passwordHash' | 'phone' | 'phoneVerified' | 'email' | 'emailVerified'>): UserLoginMethod[] {
  return USER_LOGIN_METHODS.filter((m) =>
    m === 'password' ? !!user.passwordHash : m === 'phone_otp' ? !!user.phone && user.phoneVerified : !!user.email && user.emailVerified,
  );
}

/** Methods switched on and usable: a user always keeps at least one. */
export function effectiveMethods(user: UserEntity): UserLoginMethod[] {
  const on = user.loginMethods ?? USER_LOGIN_METHODS;
  return usableMethods(user).filter((m) => on.includes(m));
}

export function accountView(user: UserEntity, hasPhoto: boolean, identifiers: AccountIdentifier[] = []): AccountView {
  const primary = user.primaryIdentifier === 'phone' || user.primaryIdentifier === 'email' ? user.primaryIdentifier : null;
  return {
    id: user.id,
    login: user.login,
    email: user.email,
    email_verified: user.emailVerified,
    phone_number: user.phone,
    phone_number_verified: user.phoneVerified,
    primary_identifier: primary,
    given_name: user.givenName,
    family_name: user.familyName,
    middle_name: user.middleName,
    nickname: user.nickname,
    birthdate: user.birthdate,
    locale: (['ru', 'en', 'kk'].includes(user.locale ?? '') ? user.locale : null) as MessageLocale | null,
    picture: user.picture,
    has_photo: hasPhoto,
    has_password: !!user.passwordHash,
    password_updated_at: user.passwordUpdatedAt ? new Date(user.passwordUpdatedAt).toISOString() : null,
    password_change_required: user.passwordChangeRequired,
    login_methods: (user.loginMethods ?? USER_LOGIN_METHODS).filter((m): m is UserLoginMethod => (USER_LOGIN_METHODS as string[]).includes(m)),
    created_at: new Date(user.createdAt).toISOString(),
    identifiers,
  };
}
