import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** bcrypt works on the first 72 bytes only; longer passwords would silently collide. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 8;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common';

/** What the user is told, in the field-error style of the bus replies (`password: ...`). */
export const PASSWORD_PROBLEMS = {
  too_short: `password: at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `password: at most ${MAX_PASSWORD_BYTES} bytes`,
  too_common: 'password: too common, choose another',
} satisfies Record<PasswordProblem, string>;

const FILE = 'common-passwords.txt';

/**
 * The list ships as plain text next to this file. It is found from the sources (tests), from the
 * bundle in dist/apps/accounts, or from the working directory (the container keeps the source path).
 */
function listPath(): string {
  const candidates = [
    join(__dirname, FILE),
    join(__dirname, '..', '..', '..', 'apps', 'accounts', 'src', 'passwords', FILE),
    join(process.cwd(), 'apps', 'accounts', 'src', 'passwords', FILE),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the common password list ${FILE} is missing (looked in ${candidates.join(', ')})`);
  return found;
}

let common: Set<string> | undefined;

/** Loaded once, on first use; compared lower-cased, so "Password1" and "PASSWORD1" count alike. */
export function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(listPath(), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return common;
}

/** The rules every new password meets (registration, change, reset, admin creation); null when it does. */
export function passwordProblem(password: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return 'too_long';
  if (commonPasswords().has(password.toLowerCase())) return 'too_common';
  return null;
}
