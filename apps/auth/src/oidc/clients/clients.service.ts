import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Repository } from 'typeorm';
import { ClientEntity, ClientMetadata } from '@idp/domain';
import { randomToken, safeEqual, sha256 } from '../crypto';
import { InvalidClient } from '../errors/oauth.errors';
import { basicChallenge, presentedCredentials } from './client-credentials';

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

@Injectable()
export class ClientsService {
  constructor(@InjectRepository(ClientEntity, 'auth') private readonly clients: Repository<ClientEntity>) {}

  async find(clientId: unknown): Promise<Client | null> {
    if (typeof clientId !== 'string' || !clientId || clientId.length > 300) return null;
    const entity = await this.clients.findOne({ where: { clientId } });
    return entity ? toClient(entity) : null;
  }

  async list(): Promise<Array<Client & { createdAt: Date }>> {
    const rows = await this.clients.find({ order: { createdAt: 'ASC' } });
    return rows.map((e) => ({ ...toClient(e), createdAt: e.createdAt }));
  }

  /** Stores a client; the secret (confidential clients) is returned here once and kept only as a hash. */
  async create(metadata: ClientMetadata, clientId?: string): Promise<{ client: Client; secret?: string }> {
    const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomToken();
    const entity = this.clients.create({
      clientId: clientId ?? randomUUID(),
      secretHash: secret ? sha256(secret) : null,
      metadata,
    });
    await this.clients.insert(entity);
    return { client: toClient(entity), secret };
  }

  /** Replaces the metadata; a client that becomes confidential gets a secret (returned once). */
  async update(clientId: string, metadata: ClientMetadata): Promise<{ client: Client; secret?: string } | null> {
    const entity = await this.clients.findOne({ where: { clientId } });
    if (!entity) return null;
    let secret: string | undefined;
    if (metadata.token_endpoint_auth_method === 'none') entity.secretHash = null;
    else if (!entity.secretHash) {
      secret = randomToken();
      entity.secretHash = sha256(secret);
    }
    entity.metadata = metadata;
    await this.clients.save(entity);
    return { client: toClient(entity), secret };
  }

  async remove(clientId: string): Promise<boolean> {
    const result = await this.clients.delete({ clientId });
    return !!result.affected;
  }

  /**
   * Authenticates the client of a back-channel request by its registered method. Every failure is
   * the same invalid_client, so callers learn nothing about which part was wrong.
   */
  async authenticate(req: FastifyRequest, body: Record<string, unknown>): Promise<Client> {
    const creds = presentedCredentials(req, body);
    const fail = (description: string) => {
      const err = new InvalidClient(description);
      return creds.method === 'client_secret_basic' ? basicChallenge(err) : err;
    };
    const entity = await this.clients.findOne({ where: { clientId: creds.clientId } });
    if (!entity) throw fail('client authentication failed');
    if (entity.metadata.token_endpoint_auth_method !== creds.method) {
      throw fail(`this client authenticates with ${entity.metadata.token_endpoint_auth_method}`);
    }
    if (creds.method !== 'none' && !(entity.secretHash && safeEqual(sha256(creds.clientSecret ?? ''), entity.secretHash))) {
      throw fail('client authentication failed');
    }
    return toClient(entity);
  }
}
