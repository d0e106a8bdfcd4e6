import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { decryptSecret, encryptSecret } from '@idp/jwk';
import { Outbound } from '@idp/outbound';
import { BusClient, EventPublisher } from '@idp/bus';
import { OrganisationsSubjects } from '@idp/contracts';
import { AuditTrailService } from '../account/audit-trail.service';
import { FieldErrors } from '../oidc/clients/client-metadata.validator';

export type UpstreamKind = 'oidc' | 'oauth2';

/** Our profile claim <- the upstream's claim name. */
export type ClaimMapping = Partial<Record<'sub' | 'email' | 'email_verified' | 'given_name' | 'family_name' | 'phone_number', string>>;
const MAPPABLE = ['sub', 'email', 'email_verified', 'given_name', 'family_name', 'phone_number'] as const;

export interface UpstreamProvider {
  id: string;
  organizationId: string;
  kind: UpstreamKind;
  name: string;
  issuer: string | null;
  discoveryUrl: string | null;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string | null;
  jwksUri: string | null;
  endSessionEndpoint: string | null;
  clientId: string;
  clientSecretSealed: string;
  scopes: string[];
  claimMapping: ClaimMapping;
}

export class UpstreamInputError extends Error {
  constructor(readonly fields: FieldErrors) {
    super(Object.keys(fields).join(', '));
  }
}

const aad = (id: string) => `upstream-client-secret:${id}`;

function httpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Organisations' upstream identity providers (OpenID Connect by discovery, or plain OAuth 2.0 by its URLs). */
@Injectable()
export class UpstreamProvidersService {
  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbound: Outbound,
    private readonly bus: BusClient,
    private readonly events: EventPublisher,
    private readonly audit: AuditTrailService,
  ) {}

  /** Adds a provider and announces it (organization.provider_changed). */
  async add(organizationId: string, input: Record<string, unknown>, actor?: string): Promise<UpstreamProvider> {
    const created = await this.create(organizationId, input);
    await this.announce(organizationId, created.id, 'added', actor);
    return created;
  }

  async change(organizationId: string, id: string, input: Record<string, unknown>, actor?: string): Promise<UpstreamProvider | null> {
    const updated = await this.update(organizationId, id, input);
    if (updated) await this.announce(organizationId, id, 'updated', actor);
    return updated;
  }

  /** Removes the provider and forgets the upstream identities it linked. */
  async discard(organizationId: string, id: string, actor?: string): Promise<boolean> {
    if (!(await this.remove(organizationId, id))) return false;
    const unlinked = await this.unlink([id]);
    await this.announce(organizationId, id, 'removed', actor, unlinked);
    return true;
  }

  /** The organisation is gone: so are its providers and their links. */
  async discardForOrganization(organizationId: string, actor?: string): Promise<void> {
    const ids = await this.removeForOrganization(organizationId);
    if (!ids.length) return;
    const unlinked = await this.unlink(ids);
    for (const id of ids) await this.announce(organizationId, id, 'removed', actor, unlinked);
  }

  private async unlink(ids: string[]): Promise<number> {
    const reply = await this.bus.request(OrganisationsSubjects.federatedUnlink, { provider_ids: ids });
    return reply.ok ? reply.value.removed : 0;
  }

  private async announce(organizationId: string, providerId: string, change: 'added' | 'updated' | 'removed', actor?: string, unlinked?: number) {
    const data = { organization_id: organizationId, provider_id: providerId, change, ...(unlinked !== undefined ? { unlinked } : {}), ...(actor ? { actor } : {}) };
    this.events.publish('organization.provider_changed', data);
    if (actor) await this.audit.record('organization.provider_changed', actor, {}, data);
  }

  async create(organizationId: string, input: Record<string, unknown>): Promise<UpstreamProvider> {
    const v = await this.validate(input);
    const id = randomUUID();
    const sealed = encryptSecret(v.clientSecret!, this.config.keyEncryptionKey, aad(id));
    const [row] = await this.db.query(
      `INSERT INTO auth.upstream_providers (id, organization_id, kind, name, issuer, discovery_url, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri, end_session_endpoint, client_id, client_secret_sealed, scopes, claim_mapping)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
      [id, organizationId, v.kind, v.name, v.endpoints.issuer, v.endpoints.discovery_url, v.endpoints.authorization_endpoint, v.endpoints.token_endpoint, v.endpoints.userinfo_endpoint, v.endpoints.jwks_uri, v.endpoints.end_session_endpoint, v.clientId, sealed, v.scopes.join(' '), JSON.stringify(v.mapping)],
    );
    return fromRow(row);
  }

  /**
   * Changes a provider: the fields given replace the stored ones and the result is validated as a
   * new one would be (discovery is read again); the secret stays unless a new one is given.
   * Null when the provider is not the organisation's.
   */
  async update(organizationId: string, id: string, input: Record<string, unknown>): Promise<UpstreamProvider | null> {
    const current = await this.find(id);
    if (!current || current.organizationId !== organizationId) return null;
    const kind = input.kind ?? current.kind;
    // Moving between kinds starts from the new kind's own fields; otherwise the stored ones fill the gaps.
    const keep: Record<string, unknown> = kind !== current.kind ? {} : current.kind === 'oidc'
      ? { discovery_url: current.discoveryUrl }
      : { authorization_endpoint: current.authorizationEndpoint, token_endpoint: current.tokenEndpoint, userinfo_endpoint: current.userinfoEndpoint, ...(current.endSessionEndpoint ? { end_session_endpoint: current.endSessionEndpoint } : {}) };
    const merged = { name: current.name, client_id: current.clientId, scopes: current.scopes, claim_mapping: current.claimMapping, ...keep, ...input, kind };
    const v = await this.validate(merged, input.client_secret === undefined);
    const sealed = v.clientSecret === undefined ? current.clientSecretSealed : encryptSecret(v.clientSecret, this.config.keyEncryptionKey, aad(id));
    const result = await this.db.query(
      `UPDATE auth.upstream_providers SET kind = $3, name = $4, issuer = $5, discovery_url = $6, authorization_endpoint = $7, token_endpoint = $8, userinfo_endpoint = $9, jwks_uri = $10,
         end_session_endpoint = $11, client_id = $12, client_secret_sealed = $13, scopes = $14, claim_mapping = $15 WHERE id = $1 AND organization_id = $2 RETURNING *`,
      [id, organizationId, v.kind, v.name, v.endpoints.issuer, v.endpoints.discovery_url, v.endpoints.authorization_endpoint, v.endpoints.token_endpoint, v.endpoints.userinfo_endpoint, v.endpoints.jwks_uri, v.endpoints.end_session_endpoint, v.clientId, sealed, v.scopes.join(' '), JSON.stringify(v.mapping)],
    );
    const rows = Array.isArray(result[0]) ? result[0] : [];
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** The checks of a new provider; with keepSecret the secret may be left out (it is then unchanged). */
  private async validate(input: Record<string, unknown>, keepSecret = false) {
    const errors: FieldErrors = {};
    const kind = input.kind ?? 'oidc';
    if (kind !== 'oidc' && kind !== 'oauth2') errors.kind = 'must be oidc or oauth2';
    if (typeof input.client_id !== 'string' || !input.client_id) errors.client_id = 'is required';
    if (!(keepSecret && input.client_secret === undefined) && (typeof input.client_secret !== 'string' || !input.client_secret)) errors.client_secret = 'is required';
    if (input.name !== undefined && typeof input.name !== 'string') errors.name = 'must be a string';
    const name = typeof input.name === 'string' && input.name.trim() ? input.name.trim().slice(0, 200) : 'Company account';
    const scopes = input.scopes === undefined ? (kind === 'oidc' ? ['openid', 'email', 'profile'] : []) : input.scopes;
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) errors.scopes = 'must be an array of scope names';
    const mapping = input.claim_mapping ?? {};
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping) || Object.entries(mapping).some(([k, v]) => !(MAPPABLE as readonly string[]).includes(k) || typeof v !== 'string')) {
      errors.claim_mapping = `an object from ${MAPPABLE.join(', ')} to the upstream's claim names`;
    }
    const endpoints: Record<string, string | null> = { issuer: null, discovery_url: null, authorization_endpoint: null, token_endpoint: null, userinfo_endpoint: null, jwks_uri: null, end_session_endpoint: null };
    if (kind === 'oidc' && !errors.kind) {
      if (!httpUrl(input.discovery_url)) errors.discovery_url = 'is required: the https URL of the upstream .well-known/openid-configuration';
      else {
        try {
          const res = await this.outbound.fetch(input.discovery_url);
          const doc = JSON.parse(res.text) as Record<string, unknown>;
          if (!res.ok || !httpUrl(doc.issuer) || !httpUrl(doc.authorization_endpoint) || !httpUrl(doc.token_endpoint) || !httpUrl(doc.jwks_uri)) throw new Error('incomplete');
          Object.assign(endpoints, {
            discovery_url: input.discovery_url,
            issuer: doc.issuer,
            authorization_endpoint: doc.authorization_endpoint,
            token_endpoint: doc.token_endpoint,
            userinfo_endpoint: httpUrl(doc.userinfo_endpoint) ? doc.userinfo_endpoint : null,
            jwks_uri: doc.jwks_uri,
            end_session_endpoint: httpUrl(doc.end_session_endpoint) ? doc.end_session_endpoint : null,
          });
        } catch {
          errors.discovery_url = 'could not be read as an OpenID Provider configuration (issuer, authorization_endpoint, token_endpoint, jwks_uri)';
        }
      }
    } else if (kind === 'oauth2') {
      for (const f of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint'] as const) {
        if (!httpUrl(input[f])) errors[f] = 'is required: an http(s) URL';
        else endpoints[f] = input[f] as string;
      }
      if (input.end_session_endpoint !== undefined && input.end_session_endpoint !== null) {
        if (!httpUrl(input.end_session_endpoint)) errors.end_session_endpoint = 'must be an http(s) URL';
        else endpoints.end_session_endpoint = input.end_session_endpoint;
      }
    }
    if (Object.keys(errors).length) throw new UpstreamInputError(errors);
    return {
      kind: kind as UpstreamKind,
      name,
      clientId: input.client_id as string,
      clientSecret: input.client_secret as string | undefined,
      scopes: scopes as string[],
      mapping,
      endpoints,
    };
  }

  async forOrganization(organizationId: string): Promise<UpstreamProvider[]> {
    if (!/^[0-9a-f-]{36}$/.test(organizationId)) return [];
    return (await this.db.query(`SELECT * FROM auth.upstream_providers WHERE organization_id = $1 ORDER BY created_at, id`, [organizationId])).map(fromRow);
  }

  async find(id: string): Promise<UpstreamProvider | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const [row] = await this.db.query(`SELECT * FROM auth.upstream_providers WHERE id = $1`, [id]);
    return row ? fromRow(row) : null;
  }

  async remove(organizationId: string, id: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(id) || !/^[0-9a-f-]{36}$/.test(organizationId)) return false;
    const result = await this.db.query(`DELETE FROM auth.upstream_providers WHERE id = $1 AND organization_id = $2 RETURNING id`, [id, organizationId]);
    return Array.isArray(result[0]) && result[0].length > 0;
  }

  /** Removes every provider of the organisation; answers their ids (their links go too). */
  async removeForOrganization(organizationId: string): Promise<string[]> {
    if (!/^[0-9a-f-]{36}$/.test(organizationId)) return [];
    const result = await this.db.query(`DELETE FROM auth.upstream_providers WHERE organization_id = $1 RETURNING id`, [organizationId]);
    return (Array.isArray(result[0]) ? result[0] : []).map((r: { id: string }) => r.id);
  }

  clientSecret(p: UpstreamProvider): string {
    return decryptSecret(p.clientSecretSealed, this.config.keyEncryptionKey, aad(p.id));
  }

  /** What the admin API shows: never the secret. */
  view(p: UpstreamProvider) {
    return {
      id: p.id,
      organization_id: p.organizationId,
      kind: p.kind,
      name: p.name,
      issuer: p.issuer,
      discovery_url: p.discoveryUrl,
      authorization_endpoint: p.authorizationEndpoint,
      token_endpoint: p.tokenEndpoint,
      userinfo_endpoint: p.userinfoEndpoint,
      jwks_uri: p.jwksUri,
      end_session_endpoint: p.endSessionEndpoint,
      client_id: p.clientId,
      scopes: p.scopes,
      claim_mapping: p.claimMapping,
      redirect_uri: `${this.config.issuer}/interaction/federated/callback`,
      post_logout_redirect_uri: `${this.config.issuer}/interaction/federated/logged-out`,
    };
  }
}

function fromRow(r: Record<string, any>): UpstreamProvider {
  return {
    id: r.id,
    organizationId: r.organization_id,
    kind: r.kind,
    name: r.name,
    issuer: r.issuer,
    discoveryUrl: r.discovery_url,
    authorizationEndpoint: r.authorization_endpoint,
    tokenEndpoint: r.token_endpoint,
    userinfoEndpoint: r.userinfo_endpoint,
    jwksUri: r.jwks_uri,
    endSessionEndpoint: r.end_session_endpoint,
    clientId: r.client_id,
    clientSecretSealed: r.client_secret_sealed,
    scopes: String(r.scopes).split(' ').filter(Boolean),
    claimMapping: typeof r.claim_mapping === 'string' ? JSON.parse(r.claim_mapping) : (r.claim_mapping ?? {}),
  };
}
