/** Where the fixed-window counters live: shared by every auth instance (PostgreSQL or Redis). */
export abstract class RateLimitStore {
  /**
   * Adds one hit (or `increments[i]` hits) to the counter of each key in the window that starts at
   * `windowStart`, in one round trip, and returns the counts after it, in the order of `keys`.
   * `batched`: the hits of many requests, sent together by a timer rather than by one request.
   */
  abstract hit(keys: string[], windowStart: Date, windowSeconds: number, increments?: number[], batched?: boolean): Promise<number[]>;
  /** The counts without adding to them (0 for a key not seen in the window). */
  abstract peek(keys: string[], windowStart: Date): Promise<number[]>;
}
