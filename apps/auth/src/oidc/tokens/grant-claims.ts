/** Claims that come from the grant rather than the account: Aitu's `bin`, with the `ul_sign` scope. */
export function grantClaims(grant: { bin?: string | null }, scopes: string[]): Record<string, string> {
  return scopes.includes('ul_sign') && grant.bin ? { bin: grant.bin } : {};
}
