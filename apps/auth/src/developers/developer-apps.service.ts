import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { BusClient } from '@idp/bus';
import { AccountsSubjects } from '@idp/contracts';
import { ClientMetadata } from '@idp/domain';
import { Outbound } from '@idp/outbound';
import { Client, ClientsService } from '../oidc/clients/clients.service';
import { resolveSector } from '../oidc/clients/sector';
import { usesAuthMethod } from '../oidc/clients/endpoint-auth';
import { ResourcesService } from '../oidc/resources.service';
import { sha256 } from '../oidc/crypto';
import { ClientSecretsService, MAX_GRACE_SECONDS } from './client-secrets.service';
import { DevelopersError, appNotFound, changedRows, invalidInput } from './developers-errors';
import { editableFields, metadataError, validateDeveloperMetadata } from './developer-metadata';
import { LOGO_MAX_BYTES, detectLogoType } from './logo';

export type Role = 'owner' | 'member';

export interface DeveloperApp extends Client {
  role: Role;
  createdAt: Date;
}

export interface Member {
  user_id: string;
  role: Role;
  login: string | null;
  added_at: string;
}

/**
 * The integrators' applications: ordinary clients (created and validated as dynamic registration
 * does), plus who may manage each one. Every method taking a client id answers "not found" to
 * anyone outside the team, so a stranger cannot even tell that the application exists.
 */
@Injectable()
export class DeveloperAppsService {
  constructor(
    @InjectDataSource('auth') private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly secrets: ClientSecretsService,
    private readonly outbound: Outbound,
    private readonly resources: ResourcesService,
    private readonly bus: BusClient,
  ) {}

  async list(sub: string): Promise<DeveloperApp[]> {
    const rows: Array<{ client_id: string; role: Role }> = await this.db.query(
      `SELECT m.client_id, m.role FROM auth.developer_app_members m JOIN auth.clients c ON c.client_id = m.client_id WHERE m.user_id = $1 ORDER BY c.created_at`,
      [sub],
    );
    const apps = await Promise.all(rows.map(async (r) => {
      const client = await this.clients.findWithDates(r.client_id);
      return client ? { ...client, role: r.role } : null;
    }));
    return apps.filter((a): a is DeveloperApp => !!a);
  }

  /** The application, if `sub` is on its team. */
  async get(sub: string, clientId: string): Promise<DeveloperApp> {
    if (typeof clientId !== 'string' || clientId.length > 300) throw appNotFound();
    const rows: Array<{ role: Role }> = await this.db.query(`SELECT role FROM auth.developer_app_members WHERE client_id = $1 AND user_id = $2`, [clientId, sub]);
    const client = rows.length ? await this.clients.findWithDates(clientId) : null;
    if (!client) throw appNotFound();
    return { ...client, role: rows[0].role };
  }

  async create(sub: string, input: Record<string, unknown>): Promise<{ app: DeveloperApp; secret?: string }> {
    const metadata = await this.validated(input);
    const { client, secret } = await this.clients.create(metadata);
    await this.db.query(`INSERT INTO auth.developer_app_members (client_id, user_id, role) VALUES ($1, $2, 'owner')`, [client.clientId, sub]);
    if (secret) await this.secrets.issued(client.clientId, sha256(secret));
    return { app: { ...client, role: 'owner', createdAt: new Date() }, secret };
  }

  /**
   * Changes the fields given and keeps the rest; with `replace` (the settings form, which shows every
   * field) what is left out goes back to its default, except the keys, which have their own form.
   */
  async update(sub: string, clientId: string, input: Record<string, unknown>, replace = false): Promise<{ app: DeveloperApp; secret?: string }> {
    const app = await this.get(sub, clientId);
    if (input.client_id !== undefined && input.client_id !== clientId) throw metadataError({ client_id: 'cannot be changed' });
    const { client_id: _ignored, ...changes } = input;
    const { jwks, jwks_uri } = app.metadata;
    const base = replace ? { ...(jwks ? { jwks } : {}), ...(jwks_uri ? { jwks_uri } : {}) } : editableFields(app.metadata);
    const metadata = await this.validated({ ...base, ...changes }, app.metadata);
    return this.store(app, metadata);
  }

  async remove(sub: string, clientId: string): Promise<void> {
    const app = await this.get(sub, clientId);
    if (app.role !== 'owner') throw new DevelopersError(403, 'access_denied', 'only the owner can delete the application');
    await this.clients.remove(clientId);
  }

  /** A new secret, shown once; the current one keeps working for `graceSeconds` (0: stops now). */
  async rotateSecret(sub: string, clientId: string, graceSeconds: unknown): Promise<{ id: string; secret: string }> {
    await this.get(sub, clientId);
    if (typeof graceSeconds !== 'number' || !Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw invalidInput(`grace_seconds must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (7 days)`);
    }
    const rotated = await this.clients.rotateSecret(clientId);
    if (!rotated) throw invalidInput('this application uses no client secret (token_endpoint_auth_method is none or private_key_jwt)');
    const id = await this.secrets.issued(clientId, rotated.hash, graceSeconds);
    return { id, secret: rotated.secret };
  }

  async revokeSecret(sub: string, clientId: string, secretId: string): Promise<void> {
    await this.get(sub, clientId);
    const revoked = await this.secrets.revoke(clientId, secretId);
    if (!revoked) throw new DevelopersError(404, 'not_found', 'secret not found or already revoked');
    if (revoked.wasCurrent) await this.clients.clearSecret(clientId);
  }

  /** Public keys for private_key_jwt and the partner grants: a JWK Set, or a jwks_uri (null removes both). */
  async setKeys(sub: string, clientId: string, input: { jwks?: unknown; jwks_uri?: unknown }): Promise<DeveloperApp> {
    const app = await this.get(sub, clientId);
    const fields = editableFields(app.metadata);
    delete fields.jwks;
    delete fields.jwks_uri;
    if (input.jwks !== undefined && input.jwks !== null) fields.jwks = input.jwks;
    if (input.jwks_uri !== undefined && input.jwks_uri !== null && input.jwks_uri !== '') fields.jwks_uri = input.jwks_uri;
    return (await this.store(app, await this.validated(fields, app.metadata))).app;
  }

  async setLogo(sub: string, clientId: string, data: Buffer): Promise<DeveloperApp> {
    const app = await this.get(sub, clientId);
    if (data.length > LOGO_MAX_BYTES) throw new DevelopersError(413, 'too_large', `a logo is at most ${LOGO_MAX_BYTES} bytes (1 MB)`);
    const type = detectLogoType(data);
    if (!type) throw new DevelopersError(415, 'unsupported_media_type', 'a logo must be a PNG, JPEG or WebP picture (SVG is not accepted)');
    const id = randomUUID();
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM auth.client_logos WHERE client_id = $1`, [clientId]);
      await m.query(`INSERT INTO auth.client_logos (id, client_id, content_type, data) VALUES ($1, $2, $3, $4)`, [id, clientId, type, data]);
    });
    const metadata = { ...app.metadata, logo_uri: `${this.config.issuer}/developers/logos/${id}` };
    return (await this.store(app, metadata)).app;
  }

  async logo(id: string): Promise<{ contentType: string; data: Buffer } | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const rows: Array<{ content_type: string; data: Buffer }> = await this.db.query(`SELECT content_type, data FROM auth.client_logos WHERE id = $1`, [id]);
    return rows.length ? { contentType: rows[0].content_type, data: Buffer.from(rows[0].data) } : null;
  }

  async members(sub: string, clientId: string): Promise<Member[]> {
    await this.get(sub, clientId);
    const rows: Array<{ user_id: string; role: Role; added_at: Date }> = await this.db.query(
      `SELECT user_id, role, added_at FROM auth.developer_app_members WHERE client_id = $1 ORDER BY added_at`,
      [clientId],
    );
    return Promise.all(rows.map(async (r) => {
      const found = (await this.bus.value(AccountsSubjects.userSearch, { query: r.user_id, limit: 1 })).users.find((u) => u.id === r.user_id);
      return { user_id: r.user_id, role: r.role, login: found?.login ?? null, added_at: new Date(r.added_at).toISOString() };
    }));
  }

  /** Adds an existing account, named by its login, e-mail or phone, to the team. */
  async addMember(sub: string, clientId: string, identifier: unknown): Promise<Member> {
    const app = await this.get(sub, clientId);
    if (app.role !== 'owner') throw new DevelopersError(403, 'access_denied', 'only the owner can change the team');
    if (typeof identifier !== 'string' || !identifier.trim() || identifier.length > 200) throw invalidInput('identifier: the login, e-mail or phone of an existing account');
    const wanted = identifier.trim().toLowerCase();
    const digits = (s: string) => s.replace(/\D/g, '');
    // A phone is searched in its stored form, +<digits>, however it was typed.
    const phone = /^[+\d\s()-]+$/.test(wanted) && digits(wanted).length >= 10 ? `+${digits(wanted)}` : null;
    const { users } = await this.bus.value(AccountsSubjects.userSearch, { query: phone ?? wanted, limit: 20 });
    const user = users.find((u) => u.login.toLowerCase() === wanted || u.email?.toLowerCase() === wanted || (!!u.phone_number && digits(wanted).length >= 10 && digits(u.phone_number) === digits(wanted)));
    if (!user) throw new DevelopersError(404, 'not_found', 'no account has this login, e-mail or phone');
    await this.db.query(`INSERT INTO auth.developer_app_members (client_id, user_id, role) VALUES ($1, $2, 'member') ON CONFLICT DO NOTHING`, [clientId, user.id]);
    return { user_id: user.id, role: 'member', login: user.login, added_at: new Date().toISOString() };
  }

  async removeMember(sub: string, clientId: string, userId: string): Promise<void> {
    const app = await this.get(sub, clientId);
    if (app.role !== 'owner' && userId !== sub) throw new DevelopersError(403, 'access_denied', 'only the owner can change the team');
    const rows = changedRows(await this.db.query(`DELETE FROM auth.developer_app_members WHERE client_id = $1 AND user_id = $2 AND role = 'member' RETURNING user_id`, [clientId, userId]));
    if (!rows.length) throw new DevelopersError(404, 'not_found', 'no such team member (the owner cannot be removed)');
  }

  private async validated(input: Record<string, unknown>, stored?: ClientMetadata): Promise<ClientMetadata> {
    const requested = typeof input.scope === 'string' ? input.scope.split(' ').filter(Boolean).slice(0, 100) : [];
    const apiScopes = (await this.resources.forScopes(requested)).flatMap((r) => r.scopes);
    const metadata = validateDeveloperMetadata(input, stored, apiScopes);
    const sector = await resolveSector(metadata, this.outbound);
    if (Object.keys(sector.errors).length) throw metadataError(sector.errors);
    if (sector.sector) metadata.sector = sector.sector;
    else delete metadata.sector;
    return metadata;
  }

  private async store(app: DeveloperApp, metadata: ClientMetadata): Promise<{ app: DeveloperApp; secret?: string }> {
    const updated = await this.clients.update(app.clientId, metadata);
    if (!updated) throw appNotFound();
    // A client that starts needing a secret (or moves to client_secret_jwt) got a new current one.
    if (updated.secret) await this.secrets.issued(app.clientId, sha256(updated.secret));
    else if (!usesAuthMethod(metadata, 'client_secret_basic', 'client_secret_post', 'client_secret_jwt')) await this.secrets.revokeAll(app.clientId);
    return { app: { ...updated.client, role: app.role, createdAt: app.createdAt }, secret: updated.secret };
  }
}
