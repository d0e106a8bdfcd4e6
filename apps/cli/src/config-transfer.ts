import { Injectable } from '@nestjs/common';
import { AdminClientsController } from '../../auth/src/admin/admin-clients.controller';
import { AdminResourcesController, resourceProblems } from '../../auth/src/admin/admin-resources.controller';
import { ClientsService } from '../../auth/src/oidc/clients/clients.service';
import { validateClientMetadata } from '../../auth/src/oidc/clients/client-metadata.validator';
import { CliError } from './cli-error';
import { Platform } from './platform';

export const EXPORT_FORMAT = 'idp-config/1';

/** Fields of the admin API's client view that are not settings: they come from the platform. */
const NOT_SETTINGS = ['client_secret', 'client_secret_expires_at', 'client_id_issued_at', 'sector'];

export interface ImportReport {
  dry_run: boolean;
  resources: { created: unknown[]; unchanged: string[] };
  clients: { created: unknown[]; updated: string[]; unchanged: string[] };
}

/** Canonical JSON (sorted keys) to tell an unchanged entry from a changed one. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const withoutPlatformFields = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !NOT_SETTINGS.includes(k)));

/**
 * Clients and API resources as one JSON document, and back. Secrets never leave: an export has
 * none, and an import creates a new secret (printed once) only for a client it creates; an
 * existing client keeps its own. Every entry is checked with the admin API's own rules before
 * anything is written, so a bad file changes nothing.
 */
@Injectable()
export class ConfigTransfer {
  constructor(private readonly platform: Platform) {}

  async export(): Promise<Record<string, unknown>> {
    const clients = (await (await this.platform.get(AdminClientsController)).list()) as Record<string, unknown>[];
    const resources = await (await this.platform.get(AdminResourcesController)).list();
    return {
      format: EXPORT_FORMAT,
      exported_at: new Date().toISOString(),
      resources: resources.map((r) => ({ name: r.name, audience: r.audience, scopes: r.scopes, ...(r.access_token_signing_alg !== 'RS256' ? { access_token_signing_alg: r.access_token_signing_alg } : {}) })),
      clients: clients.map(withoutPlatformFields),
    };
  }

  async import(document: Record<string, unknown>, dryRun: boolean): Promise<ImportReport> {
    if (document.format !== undefined && document.format !== EXPORT_FORMAT) throw new CliError(`unknown format "${String(document.format)}" (expected ${EXPORT_FORMAT})`);
    const resources = list(document, 'resources');
    const clients = list(document, 'clients');
    const plan = await this.plan(resources, clients);
    const report: ImportReport = {
      dry_run: dryRun,
      resources: { created: plan.newResources.map((r) => r.audience), unchanged: plan.sameResources },
      clients: { created: plan.newClients.map((c) => c.client_id), updated: plan.changedClients.map((c) => c.client_id as string), unchanged: plan.sameClients },
    };
    if (dryRun) return report;
    const resourcesApi = await this.platform.get(AdminResourcesController);
    const clientsApi = await this.platform.get(AdminClientsController);
    report.resources.created = [];
    for (const r of plan.newResources) report.resources.created.push(await resourcesApi.create(r));
    report.clients.created = [];
    for (const c of plan.newClients) {
      const created = (await clientsApi.create(c)) as Record<string, unknown>;
      report.clients.created.push({ client_id: created.client_id, ...(created.client_secret ? { client_secret: created.client_secret } : {}) });
    }
    for (const c of plan.changedClients) await clientsApi.update(c.client_id as string, c);
    return report;
  }

  private async plan(resources: Record<string, unknown>[], clients: Record<string, unknown>[]) {
    const problems: string[] = [];
    const existing = await (await this.platform.get(AdminResourcesController)).list();
    const newResources: Record<string, unknown>[] = [];
    const sameResources: string[] = [];
    const claimed = new Map<string, string>(existing.flatMap((r) => r.scopes.map((s) => [s, r.audience] as [string, string])));
    resources.forEach((r, i) => {
      const fields = resourceProblems(r);
      if (Object.keys(fields).length) return void problems.push(`resources[${i}]: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`);
      const audience = r.audience as string;
      const scopes = [...new Set(r.scopes as string[])];
      const found = existing.find((e) => e.audience === audience);
      if (found) {
        const alg = (r.access_token_signing_alg as string | undefined) ?? 'RS256';
        if (found.name === (r.name as string).trim() && canonical([...found.scopes].sort()) === canonical([...scopes].sort()) && found.access_token_signing_alg === alg) sameResources.push(audience);
        else problems.push(`resources[${i}] (${audience}): exists with another name, scopes or access token algorithm, and API resources cannot be changed`);
        return;
      }
      const clash = scopes.filter((s) => claimed.has(s) && claimed.get(s) !== audience);
      if (clash.length) return void problems.push(`resources[${i}] (${audience}): scope already belongs to another API: ${clash.join(', ')}`);
      scopes.forEach((s) => claimed.set(s, audience));
      newResources.push({ name: r.name, audience, scopes, ...(r.access_token_signing_alg !== undefined ? { access_token_signing_alg: r.access_token_signing_alg } : {}) });
    });

    const clientsService = await this.platform.get(ClientsService);
    const newClients: Record<string, unknown>[] = [];
    const changedClients: Record<string, unknown>[] = [];
    const sameClients: string[] = [];
    const seen = new Set<string>();
    for (const [i, raw] of clients.entries()) {
      const c = withoutPlatformFields(raw);
      const id = c.client_id;
      if (typeof id !== 'string' || !id) {
        problems.push(`clients[${i}]: client_id is required`);
        continue;
      }
      if (seen.has(id)) {
        problems.push(`clients[${i}] (${id}): appears twice`);
        continue;
      }
      seen.add(id);
      const current = await clientsService.find(id);
      const { metadata, errors } = validateClientMetadata(c, current?.metadata);
      if (Object.keys(errors).length) {
        problems.push(`clients[${i}] (${id}): ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
        continue;
      }
      if (!current) newClients.push(c);
      else if (canonical(withoutPlatformFields(metadata as unknown as Record<string, unknown>)) === canonical(withoutPlatformFields(current.metadata as unknown as Record<string, unknown>))) sameClients.push(id);
      else changedClients.push(c);
    }
    if (problems.length) throw new CliError(`nothing imported: ${problems.length} problem(s): ${problems.join(' | ')}`);
    return { newResources, sameResources, newClients, changedClients, sameClients };
  }
}

function list(document: Record<string, unknown>, name: string): Record<string, unknown>[] {
  const value = document[name] ?? [];
  if (!Array.isArray(value) || value.some((v) => !v || typeof v !== 'object' || Array.isArray(v))) throw new CliError(`${name} must be an array of JSON objects`);
  return value as Record<string, unknown>[];
}
