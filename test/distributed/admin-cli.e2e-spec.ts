import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestPki, basic, postForm } from '@idp/testing';
import { DATABASE_URL, NATS_URL, Topology } from './topology';

const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs the built command line as an administrator would, with only the environment given. */
function admin(args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.end(stdin ?? '');
  });
}

describe('admin command line on the PostgreSQL database of a running distributed platform', () => {
  const kek = randomBytes(32).toString('base64');
  const topology = new Topology({ KEY_ENCRYPTION_KEY: kek });
  // NATS_URL lets the command line tell the running auth instances to drop their cached copies.
  const env = { DATABASE_URL, KEY_ENCRYPTION_KEY: kek, NATS_URL };
  const run = (...args: string[]) => admin(args, env);
  const dir = mkdtempSync(join(tmpdir(), 'admin-cli-'));

  beforeAll(async () => {
    await Topology.resetDatabase();
    await topology.start();
  });

  afterAll(() => topology.stopAll());

  it('has --help on every command, exit 0, without touching a database', async () => {
    const commands = [[], ['clients'], ['clients', 'create'], ['clients', 'list'], ['clients', 'show'], ['clients', 'update'], ['clients', 'delete'], ['resources'], ['resources', 'create'], ['resources', 'list'], ['users'], ['users', 'create'], ['keys'], ['keys', 'list'], ['keys', 'rotate'], ['config'], ['config', 'export'], ['config', 'import'], ['trust-anchors'], ['trust-anchors', 'import'], ['trust-anchors', 'list']];
    for (const command of commands) {
      const res = await admin([...command, '--help'], {});
      expect({ command, code: res.code }).toEqual({ command, code: 0 });
      expect(res.stdout).toContain('Usage:');
    }
    expect((await admin(['clients', 'create', '--help'], {})).stdout).toContain('--redirect-uri <uri>');
    expect((await admin(['config', 'import', '--help'], {})).stdout).toContain('--dry-run');
  });

  it('refuses bad usage and missing configuration with one clear line and a non-zero exit', async () => {
    const unknown = await admin(['frobnicate'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe("error: unknown command 'frobnicate'");

    const unknownSub = await admin(['clients', 'frobnicate'], env);
    expect(unknownSub.code).toBe(1);
    expect(unknownSub.stderr).toContain("unknown command 'clients frobnicate'");

    const noDatabase = await admin(['clients', 'list'], { DATA_DIR: undefined, DATABASE_URL: undefined });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr.trim()).toBe('error: set DATABASE_URL (PostgreSQL) or DATA_DIR (the embedded data folder)');

    const noKey = await admin(['clients', 'list'], { DATABASE_URL });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr.trim()).toBe('error: configuration error: KEY_ENCRYPTION_KEY is required outside embedded mode');

    const badJson = await run('clients', 'create', '--json', '{"client_name":');
    expect(badJson.code).toBe(1);
    expect(badJson.stderr.trim().split('\n')).toHaveLength(1);
    expect(badJson.stderr).toContain('--json is not valid JSON');
  });

  it('creates an API and a client whose secret then gets a token from the running auth app', async () => {
    const resource = await run('resources', 'create', '--name', 'Extern API', '--audience', 'https://api.example/extern', '--scope', 'extern.api');
    expect(resource.code).toBe(0);
    expect(resource.json).toMatchObject({ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] });
    expect(resource.json.client_secret).toEqual(expect.any(String));

    const created = await run('clients', 'create', '--client-id', 'cli-backend', '--name', 'Backend', '--grant-type', 'client_credentials', '--scope', 'extern.api');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ client_id: 'cli-backend', client_name: 'Backend', grant_types: ['client_credentials'] });
    const token = await postForm(`${topology.authB}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic('cli-backend', created.json.client_secret) });
    expect(token.status).toBe(200);
    expect(token.json.access_token).toEqual(expect.any(String));

    const listed = await run('resources', 'list');
    expect(listed.json.map((r: { audience: string }) => r.audience)).toEqual(['https://api.example/extern']);
    expect(JSON.stringify(listed.json)).not.toContain(resource.json.client_secret);
  });

  it('validates clients exactly as POST /admin/clients does, and changes nothing on bad input', async () => {
    const before = (await topology.admin.call('GET', '/admin/clients')).json.length;
    const bad = await run('clients', 'create', '--name', 'Bad', '--redirect-uri', 'javascript:alert(1)');
    const api = await topology.admin.call('POST', '/admin/clients', { client_name: 'Bad', redirect_uris: ['javascript:alert(1)'] });
    expect(api.status).toBe(400);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(`error: invalid_request: ${Object.entries(api.json.fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    expect((await topology.admin.call('GET', '/admin/clients')).json.length).toBe(before);

    const taken = await run('clients', 'create', '--client-id', 'cli-backend', '--name', 'Again', '--grant-type', 'client_credentials', '--scope', 'extern.api');
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim()).toBe('error: conflict: client_id: client_id is taken');
  });

  it('shows, updates (flags over --file) and deletes a client; the auth app sees each change', async () => {
    const file = join(dir, 'web.json');
    writeFileSync(file, JSON.stringify({ client_name: 'Web', redirect_uris: ['https://web.example/cb'], scope: 'openid profile', first_party: true }));
    const created = await run('clients', 'create', '--file', file, '--client-id', 'cli-web');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ client_id: 'cli-web', client_name: 'Web', first_party: true });

    const updated = await run('clients', 'update', 'cli-web', '--name', 'Web shop', '--redirect-uri', 'https://web.example/cb', '--redirect-uri', 'https://web.example/cb2');
    expect(updated.code).toBe(0);
    expect((await topology.admin.call('GET', '/admin/clients/cli-web')).json).toMatchObject({ client_name: 'Web shop', redirect_uris: ['https://web.example/cb', 'https://web.example/cb2'], first_party: true });

    const shown = await run('clients', 'show', 'cli-web');
    expect(shown.json).toMatchObject({ client_id: 'cli-web', client_name: 'Web shop' });
    expect(shown.json.client_secret).toBeUndefined();
    expect((await run('clients', 'list')).json.map((c: { client_id: string }) => c.client_id)).toEqual(expect.arrayContaining(['cli-web', 'cli-backend']));

    const deleted = await run('clients', 'delete', 'cli-web');
    expect(deleted.code).toBe(0);
    expect((await topology.admin.call('GET', '/admin/clients/cli-web')).status).toBe(404);
    const gone = await run('clients', 'show', 'cli-web');
    expect(gone.code).toBe(1);
    expect(gone.stderr.trim()).toBe('error: not_found: client not found');
  });

  it('creates users with the admin API rules; the password never needs the command line', async () => {
    const created = await admin(['users', 'create', '--login', 'aigerim', '--password-file', '-', '--email', 'aigerim@example.kz', '--given-name', 'Aigerim'], env, 'a long password\n');
    expect(created.code).toBe(0);
    expect(created.json.id).toEqual(expect.any(String));
    const found = (await topology.admin.call('GET', '/admin/users?query=aigerim')).json;
    expect(found).toEqual([expect.objectContaining({ id: created.json.id })]);

    const again = await run('users', 'create', '--json', '{"login":"aigerim","password":"another long one"}');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: conflict: login: /);
    const noPassword = await run('users', 'create', '--login', 'nopass');
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr.trim()).toBe('error: invalid_request: password: is required');
  });

  it('lists and rotates signing keys; the auth app publishes the new key', async () => {
    const listed = await run('keys', 'list');
    expect(listed.json).toEqual([expect.objectContaining({ status: 'current' })]);
    const rotated = await run('keys', 'rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.json).toMatchObject({ status: 'next', kid: expect.any(String) });
    expect((await topology.admin.call('GET', '/admin/keys')).json.map((k: { kid: string }) => k.kid)).toContain(rotated.json.kid);
    const twice = await run('keys', 'rotate');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^error: conflict: /);
  });

  it('exports clients and resources without secrets, and imports them idempotently with --dry-run first', async () => {
    const out = join(dir, 'export.json');
    const exported = await run('config', 'export', '--out', out);
    expect(exported.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const document = JSON.parse(text);
    expect(document.format).toBe('idp-config/1');
    expect(document.resources).toEqual([{ name: 'Extern API', audience: 'https://api.example/extern', scopes: ['extern.api'] }]);
    expect(document.clients.map((c: { client_id: string }) => c.client_id)).toContain('cli-backend');
    expect(text).not.toMatch(/secret"\s*:/);

    const same = await run('config', 'import', out);
    expect(same.code).toBe(0);
    expect(same.json.clients).toMatchObject({ created: [], updated: [] });
    expect(same.json.clients.unchanged).toContain('cli-backend');
    expect(same.json.resources).toEqual({ created: [], unchanged: ['https://api.example/extern'] });

    const backend = document.clients.find((c: { client_id: string }) => c.client_id === 'cli-backend');
    backend.client_name = 'Backend (renamed)';
    document.clients.push({ client_id: 'cli-imported', client_name: 'Imported', grant_types: ['client_credentials'], scope: 'extern.api' });
    document.resources.push({ name: 'Billing', audience: 'https://api.example/billing', scopes: ['billing.read'] });
    const changed = join(dir, 'changed.json');
    writeFileSync(changed, JSON.stringify(document));

    const dry = await run('config', 'import', changed, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ dry_run: true, clients: { created: ['cli-imported'], updated: ['cli-backend'] }, resources: { created: ['https://api.example/billing'] } });
    expect((await topology.admin.call('GET', '/admin/clients/cli-imported')).status).toBe(404);
    expect((await topology.admin.call('GET', '/admin/clients/cli-backend')).json.client_name).toBe('Backend');

    const applied = await run('config', 'import', changed);
    expect(applied.code).toBe(0);
    expect(applied.json.clients.created).toEqual([{ client_id: 'cli-imported', client_secret: expect.any(String) }]);
    expect(applied.json.clients.updated).toEqual(['cli-backend']);
    expect((await topology.admin.call('GET', '/admin/clients/cli-backend')).json.client_name).toBe('Backend (renamed)');
    const token = await postForm(`${topology.authA}/connect/token`, { grant_type: 'client_credentials', scope: 'billing.read' }, { Authorization: basic('cli-imported', applied.json.clients.created[0].client_secret) });
    expect(token.status).toBe(400);
    expect(token.json.error).toBe('invalid_scope');
    const ok = await postForm(`${topology.authA}/connect/token`, { grant_type: 'client_credentials', scope: 'extern.api' }, { Authorization: basic('cli-imported', applied.json.clients.created[0].client_secret) });
    expect(ok.status).toBe(200);

    const again = await run('config', 'import', changed);
    expect(again.json).toMatchObject({ clients: { created: [], updated: [] }, resources: { created: [] } });
  });

  it('creates an API with ES256 access tokens; the running instances sign its tokens with a new key; export keeps the algorithm', async () => {
    const bad = await run('resources', 'create', '--name', 'Bad', '--audience', 'https://api.example/bad', '--scope', 'bad.api', '--access-token-signing-alg', 'HS256');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('error: invalid_request: access_token_signing_alg: must be one of RS256, ES256, EdDSA');
    const ledger = await run('resources', 'create', '--name', 'Ledger', '--audience', 'https://api.example/ledger', '--scope', 'ledger', '--access-token-signing-alg', 'ES256');
    expect(ledger.code).toBe(0);
    expect(ledger.json).toMatchObject({ audience: 'https://api.example/ledger', access_token_signing_alg: 'ES256' });
    const jwks = await (await fetch(`${topology.authB}/.well-known/openid-configuration/jwks`)).json();
    expect(jwks.keys.map((k: { alg: string }) => k.alg)).toContain('ES256');

    const client = await topology.admin.createClient({ client_name: 'Ledger client', grant_types: ['client_credentials'], scope: 'ledger' });
    const token = await postForm(`${topology.authB}/connect/token`, { grant_type: 'client_credentials', scope: 'ledger' }, { Authorization: basic(client.client_id, client.client_secret) });
    expect(token.status).toBe(200);
    expect(JSON.parse(Buffer.from(token.json.access_token.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });

    const out = join(dir, 'export-ledger.json');
    expect((await run('config', 'export', '--out', out)).code).toBe(0);
    const document = JSON.parse(readFileSync(out, 'utf8'));
    expect(document.resources).toContainEqual({ name: 'Ledger', audience: 'https://api.example/ledger', scopes: ['ledger'], access_token_signing_alg: 'ES256' });
    expect((await run('config', 'import', out)).json.resources).toMatchObject({ created: [] });
  });

  it('imports CA certificates for certificate login from a PEM bundle, all or none', async () => {
    const pki = await TestPki.create('Cli');
    const leaf = join(dir, 'leaf.pem');
    writeFileSync(leaf, pki.root.certPem + (await pki.issue({ subject: 'CN=Someone' })).certPem);
    const refused = await run('trust-anchors', 'import', leaf);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: certificate 2 of 2 \(.*CN=Someone.*\): not a CA certificate \(basicConstraints cA\); nothing imported\n$/);
    expect((await topology.admin.call('GET', '/admin/trust-anchors')).json).toEqual([]);

    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, pki.bundle);
    const imported = await run('trust-anchors', 'import', bundle);
    expect(imported.code).toBe(0);
    expect(imported.json.added).toHaveLength(2);
    expect(imported.json.already_trusted).toEqual([]);
    expect((await topology.admin.call('GET', '/admin/trust-anchors')).json).toHaveLength(2);
    const again = await run('trust-anchors', 'import', bundle);
    expect(again.json).toEqual({ added: [], already_trusted: [1, 2] });
    expect((await run('trust-anchors', 'list')).json).toHaveLength(2);
  });

  it('imports nothing when one entry is bad', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({
      resources: [{ name: 'Maps', audience: 'https://api.example/maps', scopes: ['maps.read'] }],
      clients: [
        { client_id: 'cli-good', client_name: 'Good', grant_types: ['client_credentials'], scope: 'maps.read' },
        { client_id: 'cli-bad', client_name: 'Bad', redirect_uris: ['javascript:alert(1)'] },
      ],
    }));
    const res = await run('config', 'import', bad);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('nothing imported: 1 problem(s): clients[1] (cli-bad): redirect_uris:');
    expect((await topology.admin.call('GET', '/admin/clients/cli-good')).status).toBe(404);
    expect((await topology.admin.call('GET', '/admin/resources')).json.map((r: { audience: string }) => r.audience)).not.toContain('https://api.example/maps');
  });
});

describe('admin command line on an embedded data folder', () => {
  it('works on DATA_DIR, and refuses while an embedded platform holds the folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'admin-cli-embedded-'));
    const created = await admin(['clients', 'create', '--client-id', 'laptop', '--name', 'Laptop app', '--redirect-uri', 'http://localhost:8080/cb'], { DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    expect(created.json.client_id).toBe('laptop');
    expect((await admin(['clients', 'show', 'laptop'], { DATA_DIR: dataDir })).json.client_name).toBe('Laptop app');

    // A live process named in the folder's pid file, as a running `npm start` leaves it.
    writeFileSync(join(dataDir, 'embedded.pid'), `${process.pid}\n`);
    const busy = await admin(['clients', 'list'], { DATA_DIR: dataDir });
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim()).toBe(`error: the embedded platform is running on ${dataDir} (process ${process.pid}): stop it first, or use the admin API (/admin/*) while it runs`);
  });
});
