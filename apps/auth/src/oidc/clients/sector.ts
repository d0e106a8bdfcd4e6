import { ClientMetadata } from '@idp/domain';
import { Outbound } from '@idp/outbound';
import { FieldErrors } from './client-metadata.validator';

/**
 * The pairwise sector of a client (OpenID Connect Core 8.1): the host of its sector_identifier_uri,
 * whose JSON array must list every redirect URI; without one, the single host of its redirect URIs.
 */
export async function resolveSector(m: ClientMetadata, outbound: Outbound): Promise<{ sector?: string; errors: FieldErrors }> {
  if (m.subject_type !== 'pairwise') return { errors: {} };
  if (m.sector_identifier_uri) {
    let listed: unknown;
    try {
      const res = await outbound.fetch(m.sector_identifier_uri);
      if (!res.ok) throw new Error(`answered ${res.status}`);
      listed = JSON.parse(res.text);
    } catch (err) {
      return { errors: { sector_identifier_uri: `could not be fetched: ${(err as Error).message}` } };
    }
    if (!Array.isArray(listed) || !listed.every((u) => typeof u === 'string')) {
      return { errors: { sector_identifier_uri: 'must answer a JSON array of URIs' } };
    }
    const missing = m.redirect_uris.filter((u) => !listed.includes(u));
    if (missing.length) return { errors: { sector_identifier_uri: `does not list the redirect URI ${missing[0]}` } };
    return { sector: new URL(m.sector_identifier_uri).host, errors: {} };
  }
  const hosts = [...new Set(m.redirect_uris.map((u) => new URL(u).host))];
  if (hosts.length > 1) return { errors: { sector_identifier_uri: 'is required for a pairwise client whose redirect URIs have several hosts' } };
  return { sector: hosts[0], errors: {} };
}
