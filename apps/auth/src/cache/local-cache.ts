/**
 * An instance's copy of rows that are read on every request and rarely change (clients, API
 * resources). Entries live at most `ttlMs`: a safety net for an invalidation this instance missed
 * (a bus outage); the bus message is what normally drops them. One load per key at a time; absent
 * rows and failed loads are not kept, so unknown ids cannot fill the memory and errors are retried.
 */
export class LocalCache<V> {
  private readonly entries = new Map<string, { value: Promise<V | null>; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const value = load();
    const entry = { value, at: this.now() };
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    value.then((v) => v ?? forget(), forget);
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
