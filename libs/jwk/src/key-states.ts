/** Where a signing key is in its life: published first, then signing, then kept for verification only. */
export type KeyStatus = 'next' | 'current' | 'retiring' | 'retired';

export interface KeyTimes {
  kid: string;
  /** Keys of different algorithms rotate independently; unset counts as RS256. */
  alg?: string;
  /** When the key starts (or started) to sign. */
  activatedAt: Date;
  /** When it stops (or stopped) signing: its successor's activation; null while it has none. */
  retiredAt: Date | null;
}

/**
 * The status of every key at `now`. The newest activated key signs; a key activating later is
 * published but unused (so relying parties fetch it before they meet it); a superseded key stays
 * published for `retainSeconds` after it stopped signing, the longest any token it signed can live.
 * Each algorithm's keys are a timeline of their own: an ES256 key never supersedes an RS256 one.
 */
export function keyStatuses(keys: KeyTimes[], now: Date, retainSeconds: number): Map<string, KeyStatus> {
  const byAlg = new Map<string, KeyTimes[]>();
  for (const k of keys) byAlg.set(k.alg ?? 'RS256', [...(byAlg.get(k.alg ?? 'RS256') ?? []), k]);
  const statuses = new Map<string, KeyStatus>();
  for (const group of byAlg.values()) for (const [kid, status] of statusesOfOneAlg(group, now, retainSeconds)) statuses.set(kid, status);
  return statuses;
}

function statusesOfOneAlg(keys: KeyTimes[], now: Date, retainSeconds: number): Map<string, KeyStatus> {
  const at = now.getTime();
  const activated = keys.filter((k) => k.activatedAt.getTime() <= at).sort((a, b) => b.activatedAt.getTime() - a.activatedAt.getTime());
  // With none activated yet (an instance whose clock is a little behind the one that made the
  // first key), the oldest key signs rather than none.
  const current = activated[0]?.kid ?? [...keys].sort((a, b) => a.activatedAt.getTime() - b.activatedAt.getTime())[0]?.kid;
  const statuses = new Map<string, KeyStatus>();
  for (const k of keys) {
    if (k.kid === current) statuses.set(k.kid, 'current');
    else if (k.activatedAt.getTime() > at) statuses.set(k.kid, 'next');
    else {
      // Without a recorded retirement, a superseded key stopped signing when its successor started.
      const successor = activated.filter((o) => o.activatedAt > k.activatedAt).at(-1);
      const stoppedAt = (k.retiredAt ?? successor?.activatedAt ?? now).getTime();
      statuses.set(k.kid, stoppedAt + retainSeconds * 1000 > at ? 'retiring' : 'retired');
    }
  }
  return statuses;
}

/** The kids to publish at `now`: next, current and retiring keys. */
export function publishedKids(keys: KeyTimes[], now: Date, retainSeconds: number): string[] {
  const statuses = keyStatuses(keys, now, retainSeconds);
  return keys.filter((k) => statuses.get(k.kid) !== 'retired').map((k) => k.kid);
}

/**
 * Whether the schedule should create the next key now (pass the keys of one algorithm): none is waiting, and the current key has
 * signed long enough that its successor, published `prepublishSeconds` ahead, activates on time.
 */
export function rotationDue(keys: KeyTimes[], now: Date, intervalSeconds: number, prepublishSeconds: number): boolean {
  if (intervalSeconds <= 0 || !keys.length) return false;
  const statuses = keyStatuses(keys, now, 0);
  if (keys.some((k) => statuses.get(k.kid) === 'next')) return false;
  const current = keys.find((k) => statuses.get(k.kid) === 'current');
  if (!current) return true;
  return current.activatedAt.getTime() + (intervalSeconds - prepublishSeconds) * 1000 <= now.getTime();
}
