/** SQLSTATE classes and socket errors that mean "the database is not reachable right now", not "the query is wrong". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '53300']);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * Whether an error thrown by a query says the database went away (restart, failover, network),
 * so the request can be answered 503 `temporarily_unavailable` instead of 500. TypeORM wraps the
 * driver's error in `driverError`; both are looked at.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of [err, (err as { driverError?: unknown } | null)?.driverError]) {
    if (!e || typeof e !== 'object') continue;
    const code = (e as { code?: unknown }).code;
    // 08xxx connection exceptions, 57P01-57P03 admin shutdown, crash shutdown, cannot connect now.
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08/.test(code) || /^57P0[1-3]$/.test(code))) return true;
    if (UNAVAILABLE_MESSAGES.test(String((e as { message?: unknown }).message ?? ''))) return true;
  }
  return false;
}
