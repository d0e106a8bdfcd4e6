import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { ClientEntity, ClientMetadata } from '@idp/domain';
import { CACHE_TTL_MS, CacheInvalidation } from '../../cache/cache-invalidation';
import { LocalCache } from '../../cache/local-cache';
import { randomToken, safeEqual, sha256 } from '../crypto';
import { InvalidClient } from '../errors/oauth.errors';
import { ClientAssertionVerifier } from './client-assertion.verifier';
import { PresentedCredentials, basicChallenge, presentedCredentials } from './client-credentials';
import { sealClientSecret } from './client-secret-seal';
import { BackchannelEndpoint, authMethodFor, usesAuthMethod } from './endpoint-auth';
import { ClientSecretsService } from '../../developers/client-secrets.service';

export interface Client {
  clientId: string;
  metadata: ClientMetadata;
  isPublic: boolean;
}

const toClient = (e: ClientEntity): Client => ({
  clientId: e.clientId,
  metadata: e.metadata,
  isPublic: e.metadata.token_endpoint_auth_method === 'none',
});

/** Whether any endpoint of these metadata authenticates with the client secret. */
const needsSecret = (m: ClientMetadata) => usesAuthMethod(m, 'client_secret_basic', 'client_secret_post', 'client_secret_jwt');

/**
 * Clients, read on every back-channel request from this instance's copy (dropped on every change,
 * here at once and on the other instances by a bus message), written to the database.
 */
@Injectable()
export class ClientsService {
  private readonly cache = new LocalCache<ClientEntity>(CACHE_TTL_MS);

  constructor(
    @InjectRepository(ClientEntity, 'auth') private readonly clients: Repository<ClientEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assertions: ClientAssertionVerifier,
    private readonly invalidation: CacheInvalidation,
    private readonly secrets: ClientSecretsService,
  ) {
    invalidation.on('client', (clientId) => (clientId === undefined ? this.cache.clear() : this.cache.delete(clientId)));
  }

  /** The stored row, from this instance's copy when it has one. Callers must not change it. */
  private entity(clientId: string): Promise<ClientEntity | null> {
    return this.cache.get(clientId, () => this.clients.findOne({ where: { clientId } }));
  }

  async find(clientId: unknown): Promise<Client | null> {
    if (typeof clientId !== 'string' || !clientId || clientId.length > 300) return null;
    const entity = await this.entity(clientId);
    return entity ? toClient(entity) : null;
  }

  async findWithDates(clientId: string): Promise<(Client & { createdAt: Date }) | null> {
    if (!clientId || clientId.length > 300) return null;
    const entity = await this.entity(clientId);
    return entity ? { ...toClient(entity), createdAt: entity.createdAt } : null;
  }

  /** Whether a secret is the client's current one (RFC 7592 2.2 lets a client send it back). */
  async secretMatches(clientId: string, secret: unknown): Promise<boolean> {
    const entity = await this.entity(clientId);
    return typeof secret === 'string' && !!entity?.secretHash && safeEqual(sha256(secret), entity.secretHash);
  }

  async list(): Promise<Array<Client & { createdAt: Date }>> {
    const rows = await this.clients.find({ order: { createdAt: 'ASC' } });
    return rows.map((e) => ({ ...toClient(e), createdAt: e.createdAt }));
  }

  /** Stores a client; the secret (when any endpoint uses one) is returned here once and kept only as a hash. */
  async create(metadata: ClientMetadata, clientId?: string): Promise<{ client: Client; secret?: string }> {
    const entity = this.clients.create({ clientId: clientId ?? randomUUID(), secretHash: null, secretEncrypted: null, metadata });
    const secret = needsSecret(metadata) ? this.setSecret(entity) : undefined;
    await this.clients.insert(entity);
    await this.invalidation.publish('client', entity.clientId);
    return { client: toClient(entity), secret };
  }

  /**
   * Replaces the metadata. A client that starts needing a secret gets one (returned once); one that
   * moves to client_secret_jwt gets a new one too, since only the hash of the old one is known.
   */
  async update(clientId: string, metadata: ClientMetadata): Promise<{ client: Client; secret?: string } | null> {
    const entity = await this.clients.findOne({ where: { clientId } });
    if (!entity) return null;
    let secret: string | undefined;
    if (!needsSecret(metadata)) {
      entity.secretHash = null;
      entity.secretEncrypted = null;
    } else if (!entity.secretHash || (usesAuthMethod(metadata, 'client_secret_jwt') && !entity.secretEncrypted)) {
      secret = this.setSecret(entity, metadata);
    } else if (!usesAuthMethod(metadata, 'client_secret_jwt')) {
      entity.secretEncrypted = null;
    }
    entity.metadata = metadata;
    await this.clients.save(entity);
    await this.invalidation.publish('client', clientId);
    return { client: toClient(entity), secret };
  }

  async remove(clientId: string): Promise<boolean> {
    const result = await this.clients.delete({ clientId });
    await this.invalidation.publish('client', clientId);
    return !!result.affected;
  }

  /**
   * Authenticates the client of a back-channel request by the method it registered for this
   * endpoint. Every failure is invalid_client, and a wrong secret says no more than an unknown client.
   */
  async authenticate(req: FastifyRequest, body: Record<string, unknown>, endpoint: BackchannelEndpoint = 'token'): Promise<Client> {
    return this.authenticatePresented(presentedCredentials(req, body), endpoint);
  }

  async authenticatePresented(creds: PresentedCredentials, endpoint: BackchannelEndpoint): Promise<Client> {
    const fail = (description: string) => {
      const err = new InvalidClient(description);
      return creds.method === 'client_secret_basic' ? basicChallenge(err) : err;
    };
    const entity = creds.clientId && creds.clientId.length <= 300 ? await this.entity(creds.clientId) : null;
    if (!entity) throw fail('client authentication failed');
    const registered = authMethodFor(entity.metadata, endpoint);
    if (registered !== creds.method) throw fail(`this client authenticates with ${registered}`);
    if (creds.method === 'client_secret_jwt' || creds.method === 'private_key_jwt') {
      await this.assertions.verify(entity, creds.method, creds.assertion!, endpoint);
    } else if (creds.method !== 'none') {
      const hash = sha256(creds.clientSecret ?? '');
      // The current secret is checked against the cached row; only another secret asks the
      // database whether it is a replaced one still in its grace period.
      const current = !!entity.secretHash && safeEqual(hash, entity.secretHash);
      if (!current && !(await this.secrets.liveReplaced(entity.clientId, hash))) throw fail('client authentication failed');
      this.secrets.touch(entity.clientId, hash);
    }
    return toClient(entity);
  }

  /**
   * Gives the client a new current secret (returned once, kept as a hash) and answers its hash; the
   * caller records what becomes of the old one.
   */
  async rotateSecret(clientId: string): Promise<{ secret: string; hash: string } | null> {
    const entity = await this.clients.findOne({ where: { clientId } });
    if (!entity || !needsSecret(entity.metadata)) return null;
    const secret = this.setSecret(entity);
    await this.clients.save(entity);
    await this.invalidation.publish('client', clientId);
    return { secret, hash: entity.secretHash! };
  }

  /** Leaves the client with no current secret (it was revoked); only a newly issued one works again. */
  async clearSecret(clientId: string): Promise<void> {
    await this.clients.update({ clientId }, { secretHash: null, secretEncrypted: null });
    await this.invalidation.publish('client', clientId);
  }

  private setSecret(entity: ClientEntity, metadata: ClientMetadata = entity.metadata): string {
    const secret = randomToken();
    entity.secretHash = sha256(secret);
    entity.secretEncrypted = usesAuthMethod(metadata, 'client_secret_jwt') ? sealClientSecret(secret, entity.clientId, this.config.keyEncryptionKey) : null;
    return secret;
  }
}
