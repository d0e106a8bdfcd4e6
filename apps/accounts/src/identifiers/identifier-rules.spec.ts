import { IdentifierRow, MAX_IDENTIFIERS_PER_KIND, addRefusal, placementOf, primaryRefusal, successorOf } from './identifier-rules';

let n = 0;
const row = (kind: 'phone' | 'email', value: string, over: Partial<IdentifierRow> = {}): IdentifierRow => ({
  id: `id-${++n}`,
  user_id: 'u1',
  kind,
  value,
  verified: true,
  is_primary: false,
  created_at: new Date(2026, 0, n),
  ...over,
});

describe('identifier rules', () => {
  it('refuses a value the account already holds verified, and more than the cap of one kind', () => {
    const own = [row('phone', '+77070000001', { is_primary: true }), row('email', 'a@example.kz', { is_primary: true })];
    expect(addRefusal(own, 'phone', '+77070000001')).toBe('already_added');
    expect(addRefusal(own, 'phone', '+77070000002')).toBeNull();
    const full = Array.from({ length: MAX_IDENTIFIERS_PER_KIND }, (_, i) => row('phone', `+7707000010${i}`));
    expect(addRefusal(full, 'phone', '+77070000200')).toBe('limit');
    expect(addRefusal(full, 'email', 'b@example.kz')).toBeNull();
    // An unverified primary does not count: confirming replaces it.
    expect(addRefusal([row('email', 'a@example.kz', { verified: false, is_primary: true })], 'email', 'a@example.kz')).toBeNull();
  });

  it('makes a new identifier primary only when there is no verified primary of its kind', () => {
    expect(placementOf([], 'phone')).toBe('primary');
    expect(placementOf([row('phone', '+77070000001', { is_primary: true, verified: false })], 'phone')).toBe('primary');
    expect(placementOf([row('phone', '+77070000001', { is_primary: true })], 'phone')).toBe('secondary');
    expect(placementOf([row('phone', '+77070000001', { is_primary: true })], 'email')).toBe('primary');
  });

  it('promotes the oldest other verified identifier of the same kind when the primary goes', () => {
    const primary = row('email', 'a@example.kz', { is_primary: true });
    const older = row('email', 'b@example.kz');
    const newer = row('email', 'c@example.kz');
    const phone = row('phone', '+77070000001');
    const unverified = row('email', 'd@example.kz', { verified: false, created_at: new Date(2000, 0, 1) });
    expect(successorOf([primary, newer, older, phone, unverified], primary)?.value).toBe('b@example.kz');
    expect(successorOf([primary, phone], primary)).toBeNull();
    expect(successorOf([primary, older], older)).toBeNull();
  });

  it('lets only a verified identifier of the account be primary', () => {
    expect(primaryRefusal(undefined)).toBe('not_found');
    expect(primaryRefusal(row('phone', '+77070000001', { verified: false }))).toBe('unverified');
    expect(primaryRefusal(row('phone', '+77070000001'))).toBeNull();
  });
});
