import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { ApiResourceEntity } from '@idp/domain';
import { DEFAULT_SIGNING_ALG, SigningAlg } from '@idp/jwk';
import { CACHE_TTL_MS, CacheInvalidation } from '../cache/cache-invalidation';
import { LocalCache } from '../cache/local-cache';
import { PresentedCredentials, basicChallenge } from './clients/client-credentials';
import { randomToken, safeEqual, sha256 } from './crypto';
import { InvalidClient, InvalidTarget } from './errors/oauth.errors';

/** Aitu's scopes about the person (the IIN; signing for an organisation): only clients an administrator registers get them. */
export const PARTNER_USER_SCOPES = ['iin', 'ul_sign'];
/** OpenID Connect's own scopes, and the partner ones: about the user, never an API's. */
export const USER_SCOPES = ['openid', 'profile', 'email', 'phone', 'accounts', 'offline_access', ...PARTNER_USER_SCOPES, 'account', 'picture', 'photo', 'organization'];

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

/**
 * The registered APIs. There are few of them and every token request asks about their scopes, so
 * each instance keeps the whole list, dropped on every change (bus message to the other instances).
 */
@Injectable()
export class ResourcesService {
  private readonly cache = new LocalCache<ApiResourceEntity[]>(CACHE_TTL_MS, 1);

  constructor(
    @InjectRepository(ApiResourceEntity, 'auth') private readonly resources: Repository<ApiResourceEntity>,
    private readonly invalidation: CacheInvalidation,
  ) {
    invalidation.on('resources', () => this.cache.clear());
  }

  /** Every resource, from this instance's copy. Callers must not change the rows. */
  private all(): Promise<ApiResourceEntity[]> {
    return this.cache.get('all', () => this.resources.find({ order: { createdAt: 'ASC' } })) as Promise<ApiResourceEntity[]>;
  }

  list(): Promise<ApiResourceEntity[]> {
    return this.resources.find({ order: { createdAt: 'ASC' } });
  }

  /** Stores a resource with its own introspection credentials; the secret is returned here once and kept only as a hash. */
  async create(name: string, audience: string, scopes: string[], accessTokenSigningAlg: SigningAlg = DEFAULT_SIGNING_ALG): Promise<{ resource: ApiResourceEntity; secret: string }> {
    const secret = randomToken();
    const entity = this.resources.create({
      id: randomUUID(),
      name,
      audience,
      scopes,
      accessTokenSigningAlg,
      clientId: `${RESOURCE_CLIENT_ID_PREFIX}${randomUUID()}`,
      secretHash: sha256(secret),
    });
    await this.resources.insert(entity);
    await this.invalidation.publish('resources');
    return { resource: entity, secret };
  }

  /** The resources that define any of these scopes. */
  async forScopes(scopes: string[]): Promise<ApiResourceEntity[]> {
    const api = scopes.filter((s) => !USER_SCOPES.includes(s));
    if (!api.length) return [];
    return (await this.all()).filter((r) => r.scopes.some((s) => api.includes(s)));
  }

  /** The registered API a `resource` parameter (RFC 8707) names by its audience; anything else is invalid_target. */
  async resolveIndicator(value: string): Promise<ApiResourceEntity> {
    if (!isResourceUri(value)) throw new InvalidTarget('resource must be an absolute URI without a fragment');
    const resource = (await this.all()).find((r) => r.audience === value);
    if (!resource) throw new InvalidTarget('resource is not a registered API');
    return resource;
  }

  /**
   * The algorithm for an access token to these audiences: the one their APIs ask for (RS256 for
   * none; we ourselves, as UserInfo's audience, verify any of our keys). APIs that ask for
   * different ones cannot share a token: the client asks for one at a time.
   */
  async signingAlgFor(audiences: string[]): Promise<SigningAlg> {
    const apis = (await this.all()).filter((r) => audiences.includes(r.audience));
    const algs = new Set(apis.map((r) => r.accessTokenSigningAlg));
    if (algs.size > 1) throw new InvalidTarget(`the requested APIs need access tokens signed with different algorithms (${[...algs].join(', ')}); name one of them with the resource parameter`);
    return [...algs][0] ?? DEFAULT_SIGNING_ALG;
  }

  async findByClientId(clientId: string): Promise<ApiResourceEntity | null> {
    return (await this.all()).find((r) => r.clientId === clientId) ?? null;
  }

  /** A resource authenticates with its secret, over HTTP Basic or in the form body. */
  authenticate(resource: ApiResourceEntity, creds: PresentedCredentials): ApiResourceEntity {
    const ok = (creds.method === 'client_secret_basic' || creds.method === 'client_secret_post') && resource.secretHash && safeEqual(sha256(creds.clientSecret ?? ''), resource.secretHash);
    if (ok) return resource;
    const err = new InvalidClient('client authentication failed');
    throw creds.method === 'client_secret_basic' ? basicChallenge(err) : err;
  }
}
