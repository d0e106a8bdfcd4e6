import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EmbeddedPlatform } from './embedded-platform';

/**
 * Writes no request waits for: the back-channel logout sender polls its queue, the per-client daily
 * token counts are written every few seconds for all requests at once, and a secret's last use is
 * noted at most once a minute without the request waiting for it, and the rate-limit hits counted
 * in the process are added to the shared store together every 100 ms.
 */
const BACKGROUND = [/auth\.logout_deliveries/, /auth\.client_usage_daily/, /UPDATE auth\.client_secrets SET last_used_at/, /batched rate-limit hits/];

/**
 * Counts the statements the named apps of the embedded platform (all three by default) send to
 * the database, and keeps their text so a failing count shows what was sent. Statements of timers
 * that run whatever the requests are (the back-channel logout queue) are left out.
 */
export function countQueries(platform: EmbeddedPlatform, names = ['auth', 'accounts', 'consent']): { count: number; statements: string[] } {
  const counter = { count: 0, statements: [] as string[] };
  const background = (sql: string) => BACKGROUND.some((re) => re.test(sql));
  for (const name of names) {
    const ds = platform.app.get<DataSource>(getDataSourceToken(name), { strict: false });
    const create = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>) => {
      const runner = create(...args);
      const query = runner.query.bind(runner);
      runner.query = ((...q: Parameters<typeof runner.query>) => {
        if (background(q[0])) return query(...q);
        counter.count++;
        counter.statements.push(`${name}: ${q[0].replace(/\s+/g, ' ').slice(0, 120)}`);
        return query(...q);
      }) as typeof runner.query;
      return runner;
    };
  }
  return counter;
}
