import { UserEntity } from '@idp/domain';

/**
 * Claims released per scope (OpenID Connect Core 5.4, plus the Trusted.ID set in PROTOCOL-FACTS):
 * absent values are left out, never sent as null or empty strings.
 */
export function claimsFor(user: UserEntity, scopes: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  const put = (name: string, value: unknown) => {
    if (value !== null && value !== undefined && value !== '') claims[name] = value;
  };
  if (scopes.includes('profile')) {
    const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
    put('name', name || null);
    put('given_name', user.givenName);
    put('family_name', user.familyName);
    put('middle_name', user.middleName);
    put('nickname', user.nickname);
    put('preferred_username', user.login);
    put('login', user.login);
    put('birthdate', user.birthdate);
    put('picture', user.picture);
    put('updated_at', Math.floor(new Date(user.updatedAt).getTime() / 1000));
    if (user.passwordUpdatedAt) put('password_updated_at', Math.floor(new Date(user.passwordUpdatedAt).getTime() / 1000));
    put('password_change_required', user.passwordChangeRequired ?? false);
    put('deleted', !!user.deletedAt);
    if (user.customFields && Object.keys(user.customFields).length) put('custom_fields', user.customFields);
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (scopes.includes('email')) put('email_public', user.emailPublic);
  if (scopes.includes('accounts') && user.publicExternalAccounts?.length) put('publicExternalAccounts', user.publicExternalAccounts);
  if (scopes.includes('phone') && user.phone) {
    claims.phone_number = user.phone;
    claims.phone_number_verified = user.phoneVerified;
  }
  if (scopes.includes('iin')) put('iin', user.iin);
  return claims;
}
