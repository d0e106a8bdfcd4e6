/** A domain as people type it: lower case, no trailing dot, at least two labels of letters, digits and hyphens. */
export function normaliseDomain(raw: string): string | null {
  const domain = String(raw ?? '').trim().toLowerCase().replace(/\.$/, '');
  if (domain.length > 253) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l)) ? domain : null;
}
