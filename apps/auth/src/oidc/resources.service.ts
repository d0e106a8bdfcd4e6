import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ApiResourceEntity } from '@idp/domain';
import { PresentedCredentials, basicChallenge } from './clients/client-credentials';
import { randomToken, safeEqual, sha256 } from './crypto';
import { InvalidClient, InvalidTarget } from './errors/oauth.errors';

/** Aitu's scopes about the person (the IIN; signing for an organisation): only clients an administrator registers get them. */
export const PARTNER_USER_SCOPES = ['iin', 'ul_sign'];
/** OpenID Connect's own scopes, and the partner ones: about the user, never an API's. */
export const USER_SCOPES = ['openid', 'profile', 'email', 'phone', 'accounts', 'offline_access', ...PARTNER_USER_SCOPES, 'organization'];

/** RFC 8707 2: a resource indicator is an absolute URI and carries no fragment. */
function isResourceUri(value: string): boolean {
  if (value.includes('#')) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** Marks the client_id of an API resource, so an operator reading logs can tell it from a client's. */
const RESOURCE_CLIENT_ID_PREFIX = 'resource-';

@Injectable()
export class ResourcesService {
  constructor(@InjectRepository(ApiResourceEntity, 'auth') private readonly resources: Repository<ApiResourceEntity>) {}

  list(): Promise<ApiResourceEntity[]> {
    return this.resources.find({ order: { createdAt: 'ASC' } });
  }

  /** Stores a resource with its own introspection credentials; the secret is returned here once and kept only as a hash. */
  async create(name: string, audience: string, scopes: string[]): Promise<{ resource: ApiResourceEntity; secret: string }> {
    const secret = randomToken();
    const entity = this.resources.create({
      id: randomUUID(),
      name,
      audience,
      scopes,
      clientId: `${RESOURCE_CLIENT_ID_PREFIX}${randomUUID()}`,
      secretHash: sha256(secret),
    });
    await this.resources.insert(entity);
    return { resource: entity, secret };
  }

  /** The resources that define any of these scopes. */
  async forScopes(scopes: string[]): Promise<ApiResourceEntity[]> {
    const api = scopes.filter((s) => !USER_SCOPES.includes(s));
    if (!api.length) return [];
    return this.resources.createQueryBuilder('r').where('r.scopes && :scopes', { scopes: api }).getMany();
  }

  /** The registered API a `resource` parameter (RFC 8707) names by its audience; anything else is invalid_target. */
  async resolveIndicator(value: string): Promise<ApiResourceEntity> {
    if (!isResourceUri(value)) throw new InvalidTarget('resource must be an absolute URI without a fragment');
    const resource = await this.resources.findOne({ where: { audience: value } });
    if (!resource) throw new InvalidTarget('resource is not a registered API');
    return resource;
  }

  async findByClientId(clientId: string): Promise<ApiResourceEntity | null> {
    return this.resources.findOne({ where: { clientId } });
  }

  /** A resource authenticates with its secret, over HTTP Basic or in the form body. */
  authenticate(resource: ApiResourceEntity, creds: PresentedCredentials): ApiResourceEntity {
    const ok = (creds.method === 'client_secret_basic' || creds.method === 'client_secret_post') && resource.secretHash && safeEqual(sha256(creds.clientSecret ?? ''), resource.secretHash);
    if (ok) return resource;
    const err = new InvalidClient('client authentication failed');
    throw creds.method === 'client_secret_basic' ? basicChallenge(err) : err;
  }
}
