import { AccountUpdateRequest } from '@idp/contracts';

type Field = 'given_name' | 'family_name' | 'middle_name' | 'nickname' | 'birthdate' | 'locale';
export const PROFILE_FIELDS: Field[] = ['given_name', 'family_name', 'middle_name', 'nickname', 'birthdate', 'locale'];

const COLUMN = { given_name: 'givenName', family_name: 'familyName', middle_name: 'middleName', nickname: 'nickname', birthdate: 'birthdate', locale: 'locale' } as const;

/** A birth date as OpenID Connect has it (YYYY-MM-DD), a real calendar day, not in the future, after 1900. */
function validBirthdate(v: string, today: Date): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && Number(m[1]) >= 1900 && d.getTime() <= today.getTime();
}

/**
 * The changes a profile request asks for, as entity columns, or the first field in error. A field
 * left out stays as it is; an empty string clears it (the first name cannot be cleared).
 */
export function profileChanges(req: AccountUpdateRequest, today = new Date()): { changes: Record<string, string | null>; fields: string[] } | { error: string } {
  const changes: Record<string, string | null> = {};
  const fields: string[] = [];
  for (const field of PROFILE_FIELDS) {
    const raw = req[field];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string') return { error: `${field}: must be a string` };
    const value = raw.trim();
    if (field === 'given_name' && !value) return { error: 'given_name: is required' };
    if (value.length > 100) return { error: `${field}: at most 100 characters` };
    if (/[\u0000-\u001f\u007f]/.test(value)) return { error: `${field}: must not contain control characters` };
    if (field === 'birthdate' && value && !validBirthdate(value, today)) return { error: 'birthdate: a date as YYYY-MM-DD, not in the future' };
    if (field === 'locale' && value && !['ru', 'en', 'kk'].includes(value)) return { error: 'locale: one of ru, en, kk' };
    changes[COLUMN[field]] = value || null;
    fields.push(field);
  }
  return { changes, fields };
}
