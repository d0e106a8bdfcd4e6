import { Command, SubCommand } from 'nest-commander';
import { AdminClientsController } from '../../../auth/src/admin/admin-clients.controller';
import { Platform } from '../platform';
import { collect, print, readBody } from '../input';
import { AdminCommand, CommandGroup, Commander } from './admin-command';

interface ClientFlags {
  json?: string;
  file?: string;
  clientId?: string;
  name?: string;
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  grantType?: string[];
  responseType?: string[];
  scope?: string;
  authMethod?: string;
  applicationType?: string;
  subjectType?: string;
}

/** The metadata options shared by create and update; --json/--file carry any other field. */
function metadataOptions(command: Commander): void {
  command
    .option('--json <object>', 'RFC 7591 metadata as a JSON object (as POST /admin/clients takes it)')
    .option('--file <path>', 'the same JSON from a file, or - for standard input')
    .option('--name <text>', 'client_name')
    .option('--redirect-uri <uri>', 'redirect_uris (repeat for more)', collect)
    .option('--post-logout-redirect-uri <uri>', 'post_logout_redirect_uris (repeat for more)', collect)
    .option('--grant-type <type>', 'grant_types (repeat for more)', collect)
    .option('--response-type <type>', 'response_types (repeat for more)', collect)
    .option('--scope <scopes>', 'scope, space-separated')
    .option('--auth-method <method>', 'token_endpoint_auth_method (none for a public client)')
    .option('--application-type <type>', 'application_type: web or native')
    .option('--subject-type <type>', 'subject_type: public or pairwise');
}

function metadataBody(o: ClientFlags): Record<string, unknown> {
  return readBody(o, {
    client_id: o.clientId,
    client_name: o.name,
    redirect_uris: o.redirectUri,
    post_logout_redirect_uris: o.postLogoutRedirectUri,
    grant_types: o.grantType,
    response_types: o.responseType,
    scope: o.scope,
    token_endpoint_auth_method: o.authMethod,
    application_type: o.applicationType,
    subject_type: o.subjectType,
  });
}

@SubCommand({ name: 'create', description: 'register a client; prints its metadata and, for a confidential client, the secret (shown once)' })
export class ClientsCreateCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  protected configure(command: Commander): void {
    metadataOptions(command);
    command.option('--client-id <id>', 'a chosen client_id (generated when left out)');
  }

  async run(): Promise<void> {
    const body = metadataBody(this.opts<ClientFlags>());
    print(await (await this.platform.get(AdminClientsController)).create(body));
  }
}

@SubCommand({ name: 'list', description: 'every client with its metadata (no secrets)' })
export class ClientsListCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run(): Promise<void> {
    print(await (await this.platform.get(AdminClientsController)).list());
  }
}

@SubCommand({ name: 'show', arguments: '<client_id>', description: 'one client' })
export class ClientsShowCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run([clientId]: string[]): Promise<void> {
    print(await (await this.platform.get(AdminClientsController)).get(clientId));
  }
}

@SubCommand({ name: 'update', arguments: '<client_id>', description: 'change the given fields of a client (as PATCH /admin/clients/<id>)' })
export class ClientsUpdateCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  protected configure(command: Commander): void {
    metadataOptions(command);
  }

  async run([clientId]: string[]): Promise<void> {
    const body = metadataBody(this.opts<ClientFlags>());
    print(await (await this.platform.get(AdminClientsController)).update(clientId, body));
  }
}

@SubCommand({ name: 'delete', arguments: '<client_id>', description: 'remove a client' })
export class ClientsDeleteCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run([clientId]: string[]): Promise<void> {
    await (await this.platform.get(AdminClientsController)).remove(clientId);
    process.stderr.write(`client ${clientId} deleted\n`);
  }
}

@Command({
  name: 'clients',
  description: 'OAuth clients (relying parties)',
  subCommands: [ClientsCreateCommand, ClientsListCommand, ClientsShowCommand, ClientsUpdateCommand, ClientsDeleteCommand],
})
export class ClientsCommand extends CommandGroup {}
