import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JWK } from 'jose';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { SigningKeyEntity } from '@idp/domain';
import { CacheInvalidation } from '../../cache/cache-invalidation';
import { DEFAULT_SIGNING_ALG, KEY_TYPE, KeyRing, KeyStatus, SigningAlg, decryptSecret, encryptSecret, generateSigningKey, isSigningAlg, keyStatuses, loadSigningKey, rotationDue } from '@idp/jwk';

export interface SigningKeyView {
  kid: string;
  alg: string;
  status: KeyStatus;
  created_at: Date;
  activated_at: Date;
  retired_at: Date | null;
  /** When it leaves the JWKS: once every token it signed has expired. */
  unpublished_at: Date | null;
}

/** Thrown by rotate() while a key published earlier is still waiting to sign. */
export class RotationPending extends Error {
  constructor(readonly next: SigningKeyView) {
    super(`key ${next.kid} is already waiting to sign from ${next.activated_at.toISOString()}`);
  }
}

const LOCK = `SELECT pg_advisory_xact_lock(hashtext('idp-signing-keys'))`;

/**
 * The signing keys of all auth instances, kept in the database. Every instance reads them again
 * when its copy is older than KEY_RELOAD_SECONDS (and on an unknown kid), so a rotation made
 * through one instance reaches all of them without a restart. Creating and rotating keys happens
 * under a transaction-scoped advisory lock, so concurrent starts or schedules make one key.
 *
 * RS256 signs everything by default; an API resource may ask for ES256 or EdDSA access tokens, and
 * then that algorithm gets keys of its own, made when the first such resource appears and rotated
 * with the RS256 ones by the same rules.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private cache?: { ring: Promise<KeyRing>; loadedAt: number };
  private lastUnknownKidReload = 0;
  private schedule?: NodeJS.Timeout;

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly invalidation: CacheInvalidation,
  ) {
    // Another instance rotated: read the keys again now rather than at the next reload.
    invalidation.on('keys', () => (this.cache = undefined));
  }

  onModuleInit(): void {
    if (this.config.keys.rotationInterval <= 0) return;
    const every = Math.min(this.config.keys.reload, 60) * 1000;
    this.schedule = setInterval(() => {
      this.rotateIfDue().catch((err) => this.logger.error(`scheduled key rotation failed: ${err?.message ?? err}`));
    }, every);
    this.schedule.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.schedule);
  }

  keyRing(): Promise<KeyRing> {
    const fresh = this.cache && Date.now() - this.cache.loadedAt < this.config.keys.reload * 1000;
    if (!fresh) {
      const previous = this.cache;
      const ring: Promise<KeyRing> = this.load().catch((err) => {
        if (this.cache?.ring !== ring || !previous) {
          if (this.cache?.ring === ring) this.cache = undefined;
          throw err;
        }
        // A database hiccup should not stop signing with the keys we already hold.
        this.logger.warn(`could not reload the signing keys, keeping the ones loaded before: ${err?.message ?? err}`);
        this.cache = previous;
        return previous.ring;
      });
      this.cache = { ring, loadedAt: Date.now() };
    }
    return this.cache!.ring;
  }

  /**
   * Re-reads the keys when a token names a kid we do not hold (another instance may have rotated
   * them); at most once every 10 seconds, so forged kids cannot hammer the database.
   */
  async reloadForUnknownKid(): Promise<KeyRing> {
    if (Date.now() - this.lastUnknownKidReload > 10_000) {
      this.lastUnknownKidReload = Date.now();
      this.cache = undefined;
    }
    return this.keyRing();
  }

  /**
   * A ring that holds a signing key for `alg`: reads the keys again (which makes the missing one)
   * when this instance's copy predates the first resource asking for it.
   */
  async keyRingFor(alg: SigningAlg): Promise<KeyRing> {
    const ring = await this.keyRing();
    if (ring.signsWith(alg)) return ring;
    await this.ensureAlgorithm(alg);
    // Made here or by another instance: either way this copy is older than the key.
    this.cache = undefined;
    return this.keyRing();
  }

  /** Makes a key for `alg` unless one exists, so it is published before the first token needs it. */
  async ensureAlgorithm(alg: SigningAlg): Promise<void> {
    const created = await this.db.transaction(async (tx) => {
      await tx.query(LOCK);
      const rows = await tx.getRepository(SigningKeyEntity).find({ where: { alg } });
      const statuses = keyStatuses(rows, new Date(), 0);
      if (rows.some((r) => statuses.get(r.kid) === 'current')) return false;
      const row = await this.insertKey(tx, new Date(), alg);
      this.logger.log(`created signing key ${row.kid} (${alg}, ${KEY_TYPE[alg]})`);
      return true;
    });
    if (created) {
      this.cache = undefined;
      await this.invalidation.publish('keys');
    }
  }

  /**
   * Publishes a new key for every algorithm in use, each signing from KEY_PREPUBLISH_SECONDS from
   * now, when the current one retires. Answers the RS256 key; the others are listed by list().
   */
  async rotate(): Promise<SigningKeyView> {
    const view = await this.db.transaction(async (tx) => {
      await tx.query(LOCK);
      const retain = await this.retainSeconds(tx);
      const rows = await tx.getRepository(SigningKeyEntity).find({ order: { activatedAt: 'DESC' } });
      const statuses = keyStatuses(rows, new Date(), retain);
      const algs = await this.algorithmsInUse(tx, rows);
      const waiting = rows.find((r) => algs.includes(r.alg as SigningAlg) && statuses.get(r.kid) === 'next');
      if (waiting) throw new RotationPending(this.view(waiting, 'next', retain));
      const views = [];
      for (const alg of algs) views.push(await this.insertNext(tx, rows, statuses, retain, alg));
      return views[0];
    });
    await this.invalidation.publish('keys');
    return view;
  }

  /** The schedule: rotates each algorithm's keys when its current key has signed for KEY_ROTATION_INTERVAL minus the pre-publication time. */
  async rotateIfDue(): Promise<SigningKeyView | null> {
    const { rotationInterval, prepublish } = this.config.keys;
    const views = await this.db.transaction(async (tx) => {
      await tx.query(LOCK);
      const rows = await tx.getRepository(SigningKeyEntity).find({ order: { activatedAt: 'DESC' } });
      const retain = await this.retainSeconds(tx);
      const views: SigningKeyView[] = [];
      for (const alg of await this.algorithmsInUse(tx, rows)) {
        const own = rows.filter((r) => r.alg === alg);
        if (!rotationDue(own, new Date(), rotationInterval, prepublish)) continue;
        views.push(await this.insertNext(tx, own, keyStatuses(own, new Date(), retain), retain, alg));
      }
      return views;
    });
    if (views.length) await this.invalidation.publish('keys');
    return views[0] ?? null;
  }

  async list(): Promise<SigningKeyView[]> {
    const retain = await this.retainSeconds(this.db.manager);
    const rows = await this.db.getRepository(SigningKeyEntity).find({ order: { activatedAt: 'DESC' } });
    const statuses = keyStatuses(rows, new Date(), retain);
    return rows.map((r) => this.view(r, statuses.get(r.kid)!, retain));
  }

  /**
   * RS256 always, first; then every other algorithm an API resource asks for or that still has a
   * key signing (a resource cannot be changed or removed, but keys outlive nothing else).
   */
  private async algorithmsInUse(tx: EntityManager, rows: SigningKeyEntity[]): Promise<SigningAlg[]> {
    const asked: Array<{ alg: string }> = await tx.query(`SELECT DISTINCT access_token_signing_alg AS alg FROM auth.api_resources`);
    const algs = new Set<string>([DEFAULT_SIGNING_ALG, ...asked.map((r) => r.alg), ...rows.map((r) => r.alg)]);
    return [...algs].filter(isSigningAlg);
  }

  private async insertNext(tx: EntityManager, rows: SigningKeyEntity[], statuses: Map<string, KeyStatus>, retain: number, alg: SigningAlg): Promise<SigningKeyView> {
    const activatedAt = new Date(Date.now() + this.config.keys.prepublish * 1000);
    const row = await this.insertKey(tx, activatedAt, alg);
    const current = rows.find((r) => r.alg === alg && statuses.get(r.kid) === 'current');
    if (current) await tx.update(SigningKeyEntity, { kid: current.kid }, { retiredAt: activatedAt });
    this.logger.log(`published signing key ${row.kid}; it signs from ${activatedAt.toISOString()}${current ? `, when ${current.kid} retires` : ''}`);
    return this.view(row, activatedAt.getTime() > Date.now() ? 'next' : 'current', retain);
  }

  private async insertKey(tx: EntityManager, activatedAt: Date, alg: SigningAlg = DEFAULT_SIGNING_ALG): Promise<SigningKeyEntity> {
    const fresh = await generateSigningKey(alg);
    const row = tx.getRepository(SigningKeyEntity).create({
      kid: fresh.kid,
      alg: fresh.alg,
      publicJwk: fresh.publicJwk,
      privateJwkEncrypted: encryptSecret(JSON.stringify(fresh.privateJwk), this.config.keyEncryptionKey, fresh.kid),
      activatedAt,
      createdAt: new Date(),
    });
    await tx.getRepository(SigningKeyEntity).insert(row);
    return row;
  }

  /**
   * How long a key stays published after it stopped signing: the longest lifetime of a token it
   * can have signed (the defaults or any client's own), plus one reload, since an instance that
   * has not yet seen the rotation keeps signing with it that long.
   */
  private async retainSeconds(db: EntityManager): Promise<number> {
    const [row] = await db.query(
      `SELECT coalesce(max(greatest(coalesce((metadata->>'access_token_ttl')::int, 0), coalesce((metadata->>'id_token_ttl')::int, 0))), 0) AS ttl FROM auth.clients`,
    );
    const { ttl, keys } = this.config;
    return Math.max(Number(row?.ttl ?? 0), ttl.accessToken, ttl.idToken) + keys.reload;
  }

  private view(r: SigningKeyEntity, status: KeyStatus, retain: number): SigningKeyView {
    return {
      kid: r.kid,
      alg: r.alg,
      status,
      created_at: r.createdAt,
      activated_at: r.activatedAt,
      retired_at: r.retiredAt ?? null,
      unpublished_at: r.retiredAt ? new Date(r.retiredAt.getTime() + retain * 1000) : null,
    };
  }

  private async load(): Promise<KeyRing> {
    const { rows, retain } = await this.db.transaction(async (tx) => {
      await tx.query(LOCK);
      const retain = await this.retainSeconds(tx);
      const repo = tx.getRepository(SigningKeyEntity);
      const since = new Date(Date.now() - retain * 1000);
      const rows = await repo.find({ where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(since) }], order: { activatedAt: 'DESC' } });
      // The first start, or the first resource asking for another algorithm: make its first key.
      for (const alg of await this.algorithmsInUse(tx, [])) {
        if (rows.some((r) => r.alg === alg)) continue;
        const row = await this.insertKey(tx, new Date(), alg);
        this.logger.log(`created signing key ${row.kid} (${alg}, ${KEY_TYPE[alg]})`);
        rows.push(row);
      }
      return { rows, retain };
    });
    const keys = await Promise.all(
      rows.map(async (r) => ({
        ...(await loadSigningKey(r.kid, r.publicJwk, JSON.parse(decryptSecret(r.privateJwkEncrypted, this.config.keyEncryptionKey, r.kid)) as JWK, r.alg as SigningAlg)),
        activatedAt: r.activatedAt,
        retiredAt: r.retiredAt,
      })),
    );
    return new KeyRing(keys, { retainSeconds: retain });
  }
}
