import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { decryptSecret, encryptSecret } from '@idp/jwk';
import { Outbound } from '@idp/outbound';
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
  ) {}

  async create(organizationId: string, input: Record<string, unknown>): Promise<UpstreamProvider> {
    const errors: FieldErrors = {};
    const kind = input.kind ?? 'oidc';
    if (kind !== 'oidc' && kind !== 'oauth2') errors.kind = 'must be oidc or oauth2';
    if (typeof input.client_id !== 'string' || !input.client_id) errors.client_id = 'is required';
    if (typeof input.client_secret !== 'string' || !input.client_secret) errors.client_secret = 'is required';
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
      if (input.end_session_endpoint !== undefined) {
        if (!httpUrl(input.end_session_endpoint)) errors.end_session_endpoint = 'must be an http(s) URL';
        else endpoints.end_session_endpoint = input.end_session_endpoint;
      }
    }
    if (Object.keys(errors).length) throw new UpstreamInputError(errors);
    const id = randomUUID();
    const sealed = encryptSecret(input.client_secret as string, this.config.keyEncryptionKey, aad(id));
    const [row] = await this.db.query(
      `INSERT INTO auth.upstream_providers (id, organization_id, kind, name, issuer, discovery_url, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri, end_session_endpoint, client_id, client_secret_sealed, scopes, claim_mapping)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
      [id, organizationId, kind, name, endpoints.issuer, endpoints.discovery_url, endpoints.authorization_endpoint, endpoints.token_endpoint, endpoints.userinfo_endpoint, endpoints.jwks_uri, endpoints.end_session_endpoint, input.client_id, sealed, (scopes as string[]).join(' '), JSON.stringify(mapping)],
    );
    return fromRow(row);
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

  async removeForOrganization(organizationId: string): Promise<void> {
    if (/^[0-9a-f-]{36}$/.test(organizationId)) await this.db.query(`DELETE FROM auth.upstream_providers WHERE organization_id = $1`, [organizationId]);
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
