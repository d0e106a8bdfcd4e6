import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JWK } from 'jose';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { SigningKeyEntity } from '@idp/domain';
import { KeyRing, decryptSecret, encryptSecret, generateSigningKey, loadSigningKey } from '@idp/jwk';

/**
 * The signing keys of all auth instances, kept in the database. The first instance to start
 * creates the key (under a transaction-scoped advisory lock, so concurrent starts create one).
 */
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger(SigningKeysService.name);
  private ring?: Promise<KeyRing>;

  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  keyRing(): Promise<KeyRing> {
    this.ring ??= this.load().catch((err) => {
      this.ring = undefined;
      throw err;
    });
    return this.ring;
  }

  private lastReload = 0;

  /**
   * Re-reads the keys when a token names a kid we do not hold (another instance may have rotated
   * them); at most once every 10 seconds, so forged kids cannot hammer the database.
   */
  async reloadForUnknownKid(): Promise<KeyRing> {
    if (Date.now() - this.lastReload > 10_000) {
      this.lastReload = Date.now();
      this.ring = undefined;
    }
    return this.keyRing();
  }

  private async load(): Promise<KeyRing> {
    const rows = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('idp-signing-keys'))`);
      const repo = tx.getRepository(SigningKeyEntity);
      const active = await repo.find({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
      if (active.length) return active;
      const fresh = await generateSigningKey();
      const row = repo.create({
        kid: fresh.kid,
        alg: fresh.alg,
        publicJwk: fresh.publicJwk,
        privateJwkEncrypted: encryptSecret(JSON.stringify(fresh.privateJwk), this.config.keyEncryptionKey, fresh.kid),
      });
      await repo.insert(row);
      this.logger.log(`created signing key ${fresh.kid} (RS256, RSA-2048)`);
      return [row];
    });
    const keys = await Promise.all(
      rows.map((r) =>
        loadSigningKey(r.kid, r.publicJwk, JSON.parse(decryptSecret(r.privateJwkEncrypted, this.config.keyEncryptionKey, r.kid)) as JWK),
      ),
    );
    return new KeyRing(keys);
  }
}
