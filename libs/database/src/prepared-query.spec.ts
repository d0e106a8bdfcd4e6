import { DataSource } from 'typeorm';
import { preparedQuery } from './prepared-query';

const source = (options: object, master: unknown, query: (sql: string, params: unknown[]) => unknown) =>
  ({ options, driver: { master }, query: jest.fn(async (sql: string, params: unknown[]) => query(sql, params)) }) as unknown as DataSource;

describe('preparedQuery', () => {
  it('sends a named statement through the pool on PostgreSQL', async () => {
    const pool = { query: jest.fn(async () => ({ rows: [{ a: 1 }] })) };
    const db = source({ url: 'postgres://db/x' }, pool, () => []);
    expect(await preparedQuery(db, 'auth.x', 'SELECT $1::int AS a', [1])).toEqual([{ a: 1 }]);
    expect(pool.query).toHaveBeenCalledWith({ name: 'auth.x', text: 'SELECT $1::int AS a', values: [1] });
    expect(db.query).not.toHaveBeenCalled();
  });

  it('takes the plain path on the embedded database, and answers rows for UPDATE as for SELECT', async () => {
    const select = source({}, undefined, () => [{ a: 1 }]);
    expect(await preparedQuery(select, 'auth.x', 'SELECT 1 AS a', [])).toEqual([{ a: 1 }]);
    const update = source({}, undefined, () => [[{ a: 2 }], 1]);
    expect(await preparedQuery(update, 'auth.y', 'UPDATE t SET a = 2 RETURNING a', [])).toEqual([{ a: 2 }]);
    const none = source({}, undefined, () => [[], 0]);
    expect(await preparedQuery(none, 'auth.z', 'UPDATE t SET a = 2 WHERE false RETURNING a', [])).toEqual([]);
  });
});
