import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ApiResourceEntity } from '@idp/domain';

/** OpenID Connect's own scopes: about the user, never an API's. */
export const USER_SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access'];

@Injectable()
export class ResourcesService {
  constructor(@InjectRepository(ApiResourceEntity, 'auth') private readonly resources: Repository<ApiResourceEntity>) {}

  list(): Promise<ApiResourceEntity[]> {
    return this.resources.find({ order: { createdAt: 'ASC' } });
  }

  async create(name: string, audience: string, scopes: string[]): Promise<ApiResourceEntity> {
    const entity = this.resources.create({ id: randomUUID(), name, audience, scopes });
    await this.resources.insert(entity);
    return entity;
  }

  /** The resources that define any of these scopes. */
  async forScopes(scopes: string[]): Promise<ApiResourceEntity[]> {
    const api = scopes.filter((s) => !USER_SCOPES.includes(s));
    if (!api.length) return [];
    return this.resources.createQueryBuilder('r').where('r.scopes && :scopes', { scopes: api }).getMany();
  }
}
