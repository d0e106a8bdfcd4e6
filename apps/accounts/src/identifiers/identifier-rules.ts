import { IdentifierKind } from '@idp/contracts';

/** How many phones, and how many e-mail addresses, one account may hold. */
export const MAX_IDENTIFIERS_PER_KIND = 5;

export interface IdentifierRow {
  id: string;
  user_id: string;
  kind: IdentifierKind;
  value: string;
  verified: boolean;
  is_primary: boolean;
  created_at: Date | string;
}

/** Why a value cannot be added to an account holding `own` (null: it can). Another account's hold is the database's to refuse. */
export function addRefusal(own: IdentifierRow[], kind: IdentifierKind, value: string): 'already_added' | 'limit' | null {
  if (own.some((r) => r.kind === kind && r.value === value && r.verified)) return 'already_added';
  const verified = own.filter((r) => r.kind === kind && r.verified && r.value !== value);
  return verified.length >= MAX_IDENTIFIERS_PER_KIND ? 'limit' : null;
}

/**
 * A newly verified identifier becomes the primary of its kind when the account has none, or only
 * an unverified one (which it replaces); otherwise it is kept as a secondary one.
 */
export function placementOf(own: IdentifierRow[], kind: IdentifierKind): 'primary' | 'secondary' {
  const primary = own.find((r) => r.kind === kind && r.is_primary);
  return primary?.verified ? 'secondary' : 'primary';
}

/** The identifier that takes over when `removed` goes: for a primary, the oldest other verified one of its kind. */
export function successorOf(own: IdentifierRow[], removed: IdentifierRow): IdentifierRow | null {
  if (!removed.is_primary) return null;
  const candidates = own
    .filter((r) => r.kind === removed.kind && r.id !== removed.id && r.verified)
    .sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime());
  return candidates[0] ?? null;
}

/** Only a verified identifier of the account may be primary. */
export function primaryRefusal(row: IdentifierRow | undefined): 'not_found' | 'unverified' | null {
  if (!row) return 'not_found';
  return row.verified ? null : 'unverified';
}
