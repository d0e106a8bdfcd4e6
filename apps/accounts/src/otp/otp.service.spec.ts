import { InProcessEventPublisher } from '@idp/bus';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { loadConfig } from '@idp/config';
import { migrate, pgliteDriver } from '@idp/database';
import { UserEntity } from '@idp/domain';
import { ManualClock } from '../clock/clock';
import { DeliveryService } from '../delivery/delivery.service';
import { OutgoingMessage } from '../delivery/message-sender';
import { ACCOUNTS_MIGRATIONS } from '../migrations';
import { AuditService } from '../audit/audit.service';
import { IdentifiersService } from '../identifiers/identifiers.service';
import { UsersService } from '../users/users.service';
import { OtpService } from './otp.service';

/** The code rules against the real SQL (PGlite in memory) with a clock the test moves. */
describe('OtpService', () => {
  let pg: PGlite;
  let db: DataSource;
  let clock: ManualClock;
  let sent: OutgoingMessage[];
  let otp: OtpService;
  let users: UsersService;
  const config = loadConfig('embedded', {
    DATA_DIR: 'memory://',
    BCRYPT_COST: '4',
    OTP_MAX_PER_DESTINATION_HOUR: '3',
    OTP_MAX_PER_DESTINATION_DAY: '4',
    OTP_MAX_PER_IP_HOUR: '5',
    OTP_MAX_PER_IP_DAY: '6',
  });

  beforeAll(async () => {
    pg = await PGlite.create();
    db = await new DataSource({
      type: 'postgres',
      schema: 'accounts',
      driver: pgliteDriver(pg),
      entities: [UserEntity],
      migrations: ACCOUNTS_MIGRATIONS,
      migrationsTableName: 'migrations',
    } as never).initialize();
    await migrate(db, 'accounts', true);
  });

  afterAll(async () => {
    await db.destroy();
    await pg.close();
  });

  beforeEach(async () => {
    await db.query('DELETE FROM accounts.otp_challenges');
    clock = new ManualClock();
    sent = [];
    const delivery = { deliver: (m: OutgoingMessage) => sent.push(m) } as unknown as DeliveryService;
    users = new UsersService(db.getRepository(UserEntity), config, new AuditService(db, new InProcessEventPublisher()), new IdentifiersService(db));
    otp = new OtpService(db, config, clock, delivery, users);
  });

  const send = (destination = '8 707 123 45 67', ip = '10.0.0.1', channel: 'sms' | 'email' = 'sms') =>
    otp.send({ channel, destination, purpose: 'login', ip, locale: 'en' });
  const lastCode = () => sent[sent.length - 1].code;
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  it('sends six CSPRNG digits to the normalised destination, stores only a keyed hash, and accepts the code once', async () => {
    const challenge = await send();
    expect(challenge).toMatchObject({ ok: true, value: { channel: 'sms', destination: '+77071234567', expiresIn: 330, resendIn: 120 } });
    expect(lastCode()).toMatch(/^\d{6}$/);
    expect(sent[0]).toMatchObject({ to: '+77071234567', purpose: 'login' });
    expect(sent[0].text).toContain(lastCode());
    const [row] = await db.query('SELECT code_hash FROM accounts.otp_challenges');
    expect(row.code_hash).not.toContain(lastCode());

    const id = challenge.ok ? challenge.value.challengeId : '';
    const verified = await otp.verify({ challengeId: id, code: lastCode() });
    expect(verified).toMatchObject({ ok: true, value: { destination: '+77071234567', created: true, purpose: 'login' } });
    expect(await otp.verify({ challengeId: id, code: lastCode() })).toMatchObject({ ok: false, code: 'expired' });
  });

  it('lets a code live 330 seconds', async () => {
    const challenge = await send();
    const id = challenge.ok ? challenge.value.challengeId : '';
    clock.advance(330);
    expect(await otp.verify({ challengeId: id, code: lastCode() })).toMatchObject({ ok: false, code: 'expired' });

    const again = await send('+77071234568');
    clock.advance(329);
    expect(await otp.verify({ challengeId: again.ok ? again.value.challengeId : '', code: lastCode() })).toMatchObject({ ok: true });
  });

  it('survives 4 wrong codes, counting down, and dies at the 5th even for the right code', async () => {
    const challenge = await send();
    const id = challenge.ok ? challenge.value.challengeId : '';
    const code = lastCode();
    for (const left of [4, 3, 2, 1]) {
      expect(await otp.verify({ challengeId: id, code: wrong(code) })).toEqual({ ok: false, code: 'wrong_code', message: 'the code is wrong', details: { attemptsLeft: left } });
    }
    expect(await otp.verify({ challengeId: id, code: wrong(code) })).toMatchObject({ ok: false, code: 'attempts_exhausted', details: { attemptsLeft: 0 } });
    expect(await otp.verify({ challengeId: id, code })).toMatchObject({ ok: false, code: 'attempts_exhausted' });
  });

  it('counts parallel checks atomically: of 20 guesses at once, only 5 are ever compared', async () => {
    const challenge = await send();
    const id = challenge.ok ? challenge.value.challengeId : '';
    const code = lastCode();
    const replies = await Promise.all(Array.from({ length: 20 }, () => otp.verify({ challengeId: id, code: wrong(code) })));
    expect(replies.filter((r) => !r.ok && r.code === 'wrong_code')).toHaveLength(4);
    expect(replies.filter((r) => !r.ok && r.code === 'attempts_exhausted')).toHaveLength(16);
    const [row] = await db.query('SELECT attempts FROM accounts.otp_challenges WHERE id = $1', [id]);
    expect(row.attempts).toBe(5);
    expect(await otp.verify({ challengeId: id, code })).toMatchObject({ ok: false, code: 'attempts_exhausted' });
  });

  it('sends a new code to the same destination only after 120 seconds, and the new code replaces the old one', async () => {
    const first = await send();
    const firstCode = lastCode();
    clock.advance(60);
    expect(await send()).toEqual({ ok: false, code: 'resend_too_soon', message: 'a code was sent moments ago', details: { retryAfter: 60 } });
    clock.advance(59);
    expect(await send()).toMatchObject({ ok: false, code: 'resend_too_soon', details: { retryAfter: 1 } });
    clock.advance(1);
    const second = await send();
    expect(second.ok).toBe(true);
    expect(sent).toHaveLength(2);
    expect(await otp.verify({ challengeId: first.ok ? first.value.challengeId : '', code: firstCode })).toMatchObject({ ok: false, code: 'expired' });
    expect(await otp.verify({ challengeId: second.ok ? second.value.challengeId : '', code: lastCode() })).toMatchObject({ ok: true });
  });

  it('caps codes per destination per hour and per day', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await send()).ok).toBe(true);
      clock.advance(120);
    }
    // Three in the last 360 s: the hour is full until the first of them is an hour old.
    expect(await send()).toMatchObject({ ok: false, code: 'too_many_requests', details: { retryAfter: 3600 - 360 } });
    clock.advance(3600 - 360);
    expect((await send()).ok).toBe(true);
    clock.advance(3600);
    expect(await send()).toMatchObject({ ok: false, code: 'too_many_requests', message: 'this destination got too many codes today' });
    clock.advance(24 * 3600);
    expect((await send()).ok).toBe(true);
  });

  it('caps codes per IP address across destinations', async () => {
    for (let i = 0; i < 5; i++) expect((await send(`+7707123450${i}`, '10.9.9.9')).ok).toBe(true);
    expect(await send('+77071234599', '10.9.9.9')).toMatchObject({ ok: false, code: 'too_many_requests', message: 'too many codes from this address this hour' });
    expect((await send('+77071234599', '10.9.9.10')).ok).toBe(true);
  });

  it('caps codes per IP address per hour and per day, each until its oldest code leaves the window', async () => {
    const ip = '10.7.7.7';
    for (let i = 0; i < 5; i++) {
      expect((await send(`+7707123460${i}`, ip)).ok).toBe(true);
      clock.advance(10);
    }
    // Five in the hour (the first 50 s ago): the hour is full until that first one is an hour old.
    expect(await send('+77071234605', ip)).toEqual({ ok: false, code: 'too_many_requests', message: 'too many codes from this address this hour', details: { retryAfter: 3550 } });
    clock.advance(3549);
    expect(await send('+77071234605', ip)).toMatchObject({ ok: false, code: 'too_many_requests', details: { retryAfter: 1 } });
    clock.advance(1);
    expect((await send('+77071234605', ip)).ok).toBe(true);
    // Six today: the day is full until the first of them is a day old (the hour would free sooner).
    clock.advance(10);
    expect(await send('+77071234606', ip)).toEqual({ ok: false, code: 'too_many_requests', message: 'too many codes from this address today', details: { retryAfter: 86400 - 3610 } });
    clock.advance(86400 - 3610);
    expect((await send('+77071234606', ip)).ok).toBe(true);
    expect(sent).toHaveLength(7);
  });

  it('refuses what is not a phone number or an e-mail address, and normalises e-mail', async () => {
    expect(await send('12345')).toMatchObject({ ok: false, code: 'invalid_destination' });
    expect(await send('not-mail', '10.0.0.1', 'email')).toMatchObject({ ok: false, code: 'invalid_destination' });
    expect(await send(' Aigul@Example.KZ ', '10.0.0.1', 'email')).toMatchObject({ ok: true, value: { channel: 'email', destination: 'aigul@example.kz' } });
  });

  it('signs a confirmed identifier in to the account it is verified on, and releases an unverified claim', async () => {
    const owner = await users.create({ login: 'verified-owner', password: 'long-password-1', phone: '+77011112233', verified: true });
    const squatter = await users.create({ login: 'squatter', password: 'long-password-1', email: 'real@example.kz' });

    await send('+77011112233');
    const byPhone = await otp.verify({ challengeId: (await db.query('SELECT id FROM accounts.otp_challenges ORDER BY created_at DESC LIMIT 1'))[0].id, code: lastCode() });
    expect(byPhone).toMatchObject({ ok: true, value: { sub: owner.ok && owner.value.id, created: false } });

    const mail = await send('real@example.kz', '10.0.0.1', 'email');
    const byMail = await otp.verify({ challengeId: mail.ok ? mail.value.challengeId : '', code: lastCode() });
    expect(byMail).toMatchObject({ ok: true, value: { created: true } });
    expect(byMail.ok && byMail.value.sub).not.toBe(squatter.ok && squatter.value.id);
    expect(await users.claims(squatter.ok ? squatter.value.id : '', ['email'])).toEqual({ sub: squatter.ok && squatter.value.id });
    expect(await users.claims(byMail.ok ? byMail.value.sub : '', ['email'])).toMatchObject({ email: 'real@example.kz', email_verified: true });
  });
});
