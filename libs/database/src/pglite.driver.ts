import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A `pg`-shaped driver over one PGlite instance for TypeORM's postgres dialect.
 *
 * PGlite has a single session. typeorm-pglite hands that session to every query runner at once,
 * so two concurrent transactions interleave their statements. Here a connection is an exclusive
 * lease on the session, held from connect() until release(): transactions stay atomic, at the
 * price of running one at a time (fine for the one-process embedded mode).
 */
export function pgliteDriver(db: PGlite) {
  let tail: Promise<void> = Promise.resolve();

  /** Resolves when the caller holds the session; the returned function gives it back. */
  const lease = (): Promise<() => void> => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = tail.then(() => release);
    tail = tail.then(() => held);
    return acquired;
  };

  const run = async (sql: string, params?: unknown[]) => {
    const hasParams = Array.isArray(params) && params.length > 0;
    const result = hasParams
      ? await db.query(sql, params as unknown[])
      : ((await db.exec(sql)).pop() ?? { rows: [], affectedRows: 0 });
    const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command };
  };

  class Connection extends EventEmitter {
    query(sql: string, params?: unknown[] | ((err: unknown, res?: unknown) => void), cb?: (err: unknown, res?: unknown) => void) {
      const callback = typeof params === 'function' ? params : cb;
      const values = typeof params === 'function' ? undefined : params;
      const promise = run(sql, values);
      if (callback) promise.then((r) => callback(null, r), (e) => callback(e));
      return promise;
    }
  }

  class Pool extends EventEmitter {
    connect(callback: (err: unknown, conn?: Connection, release?: () => void) => void) {
      lease().then(
        (release) => {
          let done = false;
          callback(null, new Connection(), () => {
            if (!done) (done = true), release();
          });
        },
        (err) => callback(err),
      );
    }

    async query(sql: string, params?: unknown[]) {
      const release = await lease();
      try {
        return await run(sql, params);
      } finally {
        release();
      }
    }

    /** The PGlite instance outlives the DataSources sharing it; its owner closes it. */
    end(callback?: (err: unknown) => void) {
      callback?.(null);
    }
  }

  return { Pool };
}
