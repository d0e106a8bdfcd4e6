import { MessageKey } from '../interaction/i18n';

/** Deleting an account without a password needs a sign-in this recent (seconds). */
export const RECENT_SIGN_IN_SECONDS = 600;

type Outcome = { key: MessageKey; ok: boolean; section: string; status: number };
const done = (key: MessageKey, section: string): Outcome => ({ key, ok: true, section, status: 303 });
const refused = (key: MessageKey, section: string, status = 400): Outcome => ({ key, ok: false, section, status });

/** Every answer a cabinet form can get, with the text the page shows and the status it goes with. */
export const ACCOUNT_MESSAGES = {
  profile_saved: done('account.done.profile', 'profile'),
  photo_saved: done('account.done.photo', 'photo-section'),
  photo_deleted: done('account.done.photoDeleted', 'photo-section'),
  login_saved: done('account.done.login', 'profile'),
  identifier_added: done('account.done.identifierAdded', 'identifiers'),
  identifier_removed: done('account.done.identifierRemoved', 'identifiers'),
  primary_saved: done('account.done.primary', 'identifiers'),
  primary_identifier_saved: done('account.done.primaryIdentifier', 'identifiers'),
  methods_saved: done('account.done.methods', 'methods'),
  password_changed: done('account.done.password', 'password'),
  session_ended: done('account.done.session', 'sessions'),
  sessions_ended: done('account.done.sessions', 'sessions'),
  app_revoked: done('account.done.app', 'apps'),
  invalid_input: refused('account.err.invalidInput', 'profile'),
  photo_missing: refused('account.err.photoMissing', 'photo-section'),
  photo_too_large: refused('account.err.photoTooLarge', 'photo-section', 413),
  photo_type: refused('account.err.photoType', 'photo-section', 415),
  login_taken: refused('account.err.loginTaken', 'profile', 409),
  identifier_taken: refused('account.err.identifierTaken', 'identifiers', 409),
  identifier_already_added: refused('account.err.identifierAlreadyAdded', 'identifiers', 409),
  identifier_limit: refused('account.err.identifierLimit', 'identifiers', 409),
  identifier_unverified: refused('account.err.identifierUnverified', 'identifiers'),
  invalid_destination: refused('account.err.invalidDestination', 'identifiers'),
  too_soon: refused('account.err.tooSoon', 'identifiers', 429),
  code_failed: refused('account.err.code', 'identifiers'),
  last_method: refused('account.err.lastMethod', 'identifiers', 409),
  none_left: refused('account.err.noneLeft', 'methods', 409),
  unusable: refused('account.err.unusable', 'methods'),
  weak_password: refused('account.err.weakPassword', 'password'),
  wrong_password: refused('account.err.wrongPassword', 'password', 403),
  session_not_found: refused('account.err.sessionNotFound', 'sessions', 404),
  app_not_found: refused('account.err.appNotFound', 'apps', 404),
  delete_unconfirmed: refused('account.err.deleteUnconfirmed', 'delete'),
  reauth_required: refused('account.err.reauth', 'delete', 403),
  not_found: refused('account.err.notFound', 'profile', 404),
} satisfies Record<string, Outcome>;

export type AccountOutcome = keyof typeof ACCOUNT_MESSAGES;

/** Bus error codes of the cabinet's calls, as page outcomes (one table, checked whole by the compiler). */
const BY_CODE = {
  not_found: 'not_found',
  invalid_input: 'invalid_input',
  login_taken: 'login_taken',
  none_left: 'none_left',
  unusable: 'unusable',
  invalid_credentials: 'wrong_password',
  taken: 'identifier_taken',
  already_added: 'identifier_already_added',
  limit: 'identifier_limit',
  unverified: 'identifier_unverified',
  invalid_destination: 'invalid_destination',
  resend_too_soon: 'too_soon',
  too_many_requests: 'too_soon',
  wrong_code: 'code_failed',
  attempts_exhausted: 'code_failed',
  expired: 'code_failed',
  locked: 'not_found',
  method_disabled: 'not_found',
  last_method: 'last_method',
  too_large: 'photo_too_large',
  unsupported_type: 'photo_type',
} as const satisfies Record<string, AccountOutcome>;

export type CabinetErrorCode = keyof typeof BY_CODE;

export function accountError(reply: { ok: false; code: CabinetErrorCode; message: string }): AccountOutcome {
  // A refused password is invalid_input too; the page names the rule that was broken.
  if (reply.code === 'invalid_input' && reply.message.startsWith('password:')) return 'weak_password';
  return BY_CODE[reply.code];
}
