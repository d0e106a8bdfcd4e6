import { Injectable } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { CacheInvalidation } from '../cache/cache-invalidation';
import { LocalCache } from '../cache/local-cache';

/**
 * How long a user's claims may be served from this instance's copy. The accounts app's events
 * (profile, identifiers, password, deletion, lock ...) drop the copy at once; the lifetime covers
 * an event this instance missed and the rare changes that send none (an unverified phone or
 * address taken over by another account).
 */
export const CLAIMS_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * The claims UserInfo releases, per user and set of scopes, kept for a few seconds so a client
 * polling UserInfo does not cost a bus round trip each time. Only claims are kept: whether the
 * token still holds is read from the database on every request.
 */
@Injectable()
export class UserClaimsCache {
  /** Per user, the claims per set of scopes: an event naming the user drops one entry, not a scan. */
  private readonly cache = new LocalCache<Map<string, Promise<Record<string, unknown> | null>>>(CLAIMS_TTL_MS, MAX_ENTRIES);

  constructor(
    private readonly bus: BusClient,
    invalidation: CacheInvalidation,
  ) {
    invalidation.on('user', (sub) => (sub === undefined ? this.cache.clear() : this.cache.delete(sub)));
  }

  /** The claims of these scopes, or null when the account no longer exists. */
  async claims(sub: string, scopes: string[]): Promise<Record<string, unknown> | null> {
    // The accounts app answers from the user and the scopes alone; their order does not matter.
    const wanted = [...new Set(scopes)].sort();
    const key = wanted.join(' ');
    const bySet = (await this.cache.get(sub, async () => new Map()))!;
    let claims = bySet.get(key);
    if (!claims) {
      const loading = this.bus.request(AccountsSubjects.claimsGet, { sub, scopes: wanted }).then((reply) => (reply.ok ? reply.value : null));
      claims = loading;
      bySet.set(key, loading);
      // An absent user and a failed request are not kept.
      const forget = () => bySet.get(key) === loading && bySet.delete(key);
      loading.then((v) => v ?? forget(), forget);
    }
    return claims;
  }
}
