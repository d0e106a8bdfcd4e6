import { PGlite } from '@electric-sql/pglite';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrate, pgliteDriver } from '@idp/database';
import { UserEntity } from '@idp/domain';
import { ACCOUNTS_MIGRATIONS } from '../migrations';
import { IdentifiersService } from './identifiers.service';

/** The uniqueness and primary rules against the real schema (PGlite in memory): index, trigger and service together. */
describe('IdentifiersService', () => {
  let pg: PGlite;
  let db: DataSource;
  let service: IdentifiersService;

  beforeAll(async () => {
    pg = await PGlite.create();
    db = await new DataSource({ type: 'postgres', schema: 'accounts', driver: pgliteDriver(pg), entities: [UserEntity], migrations: ACCOUNTS_MIGRATIONS, migrationsTableName: 'migrations' } as never).initialize();
    await migrate(db, 'accounts', true);
    service = new IdentifiersService(db);
  });

  afterAll(async () => {
    await db.destroy();
    await pg.close();
  });

  async function user(phone: string | null = null, email: string | null = null, verified = true): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO accounts.users (id, login, phone, phone_verified, email, email_verified) VALUES ($1, $2, $3, $4, $5, $6)`, [id, `u${id.slice(0, 8)}`, phone, !!phone && verified, email, !!email && verified]);
    return id;
  }
  const columns = async (id: string) => (await db.query(`SELECT phone, phone_verified, email, email_verified FROM accounts.users WHERE id = $1`, [id]))[0];
  const shape = async (id: string) => (await service.rows(id)).map((r) => `${r.kind}:${r.value}:${r.verified ? 'v' : 'u'}${r.is_primary ? ':primary' : ''}`);

  it('mirrors the primary columns of users into the table, whoever writes them', async () => {
    const id = await user('+77070000001', 'one@example.kz');
    expect(await shape(id)).toEqual(['phone:+77070000001:v:primary', 'email:one@example.kz:v:primary']);
    await db.query(`UPDATE accounts.users SET email = NULL, email_verified = false WHERE id = $1`, [id]);
    expect(await shape(id)).toEqual(['phone:+77070000001:v:primary']);
    await db.query(`UPDATE accounts.users SET phone_verified = false WHERE id = $1`, [id]);
    expect(await shape(id)).toEqual(['phone:+77070000001:u:primary']);
  });

  it('keeps each value to one account: a secondary one blocks another account from taking it as primary', async () => {
    const holder = await user('+77070000010');
    expect(await service.attach(holder, 'phone', '+77070000011')).toMatchObject({ ok: true, added: true, row: { is_primary: false, verified: true } });
    await expect(user('+77070000011')).rejects.toMatchObject({ message: expect.stringContaining('user_identifiers_phone_key') });
    const other = await user();
    expect(await service.attach(other, 'phone', '+77070000011')).toEqual({ ok: false, code: 'taken' });
    expect(await service.addRefusal(other, 'phone', '+77070000011')).toBe('taken');
    expect(await service.verifiedOwner('phone', '+77070000011')).toBe(holder);
  });

  it('lets exactly one of two concurrent adds of the same value win', async () => {
    const [a, b] = [await user(), await user()];
    const outcomes = await Promise.all([service.attach(a, 'email', 'race@example.kz'), service.attach(b, 'email', 'race@example.kz')]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code)).sort()).toEqual(['ok', 'taken']);
    expect((await db.query(`SELECT count(*)::int AS n FROM accounts.user_identifiers WHERE value = 'race@example.kz'`))[0].n).toBe(1);
  });

  it('releases another account\'s unverified claim when the value is proven, and replaces an unverified primary', async () => {
    const claimer = await user(null, 'typo@example.kz', false);
    const owner = await user(null, 'old@example.kz', false);
    expect(await service.attach(owner, 'email', 'typo@example.kz')).toMatchObject({ ok: true, row: { is_primary: true } });
    expect(await columns(claimer)).toMatchObject({ email: null });
    expect(await columns(owner)).toMatchObject({ email: 'typo@example.kz', email_verified: true });
    expect(await shape(owner)).toEqual(['email:typo@example.kz:v:primary']);
  });

  it('switches the primary through the users column and hands it over when the primary goes', async () => {
    const id = await user('+77070000020');
    const second = await service.attach(id, 'phone', '+77070000021');
    const third = await service.attach(id, 'phone', '+77070000022');
    if (!second.ok || !third.ok) throw new Error('not attached');
    expect(await service.makePrimary(id, third.row.id)).toMatchObject({ ok: true, changed: true });
    expect(await columns(id)).toMatchObject({ phone: '+77070000022', phone_verified: true });
    expect(await shape(id)).toEqual(['phone:+77070000022:v:primary', 'phone:+77070000020:v', 'phone:+77070000021:v']);

    const removed = await service.detach(id, third.row.id, () => false);
    expect(removed).toMatchObject({ ok: true, promoted: { value: '+77070000020' } });
    expect(await columns(id)).toMatchObject({ phone: '+77070000020' });
    expect(await service.detach(id, second.row.id, () => false)).toMatchObject({ ok: true, promoted: null });
    const [last] = await service.rows(id);
    // The last phone goes only when the account keeps another way in.
    expect(await service.detach(id, last.id, () => false)).toEqual({ ok: false, code: 'last_method' });
    expect(await service.detach(id, last.id, () => true)).toMatchObject({ ok: true });
    expect(await columns(id)).toMatchObject({ phone: null, phone_verified: false });
    expect(await shape(id)).toEqual([]);
  });

  it('refuses another account\'s identifier by id', async () => {
    const [a, b] = [await user('+77070000030'), await user()];
    const [row] = await service.rows(a);
    expect(await service.makePrimary(b, row.id)).toEqual({ ok: false, code: 'not_found' });
    expect(await service.detach(b, row.id, () => true)).toEqual({ ok: false, code: 'not_found' });
    expect(await service.detach(b, 'not-an-id', () => true)).toEqual({ ok: false, code: 'not_found' });
  });
});
