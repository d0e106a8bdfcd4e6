import { Command, SubCommand } from 'nest-commander';
import { AdminResourcesController } from '../../../auth/src/admin/admin-resources.controller';
import { Platform } from '../platform';
import { collect, print, readBody } from '../input';
import { AdminCommand, CommandGroup, Commander } from './admin-command';

@SubCommand({ name: 'create', description: 'register an API: its audience and scopes; prints its introspection client_id and secret (shown once)' })
export class ResourcesCreateCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  protected configure(command: Commander): void {
    command
      .option('--json <object>', '{"name","audience","scopes","access_token_signing_alg"} as POST /admin/resources takes it')
      .option('--file <path>', 'the same JSON from a file, or - for standard input')
      .option('--name <text>', 'a name for people')
      .option('--audience <uri>', 'the aud of its access tokens')
      .option('--scope <scope>', 'a scope of this API (repeat for more)', collect)
      .option('--access-token-signing-alg <alg>', 'RS256 (default), ES256 or EdDSA: the algorithm of its access tokens');
  }

  async run(): Promise<void> {
    const o = this.opts<{ json?: string; file?: string; name?: string; audience?: string; scope?: string[]; accessTokenSigningAlg?: string }>();
    const body = readBody(o, { name: o.name, audience: o.audience, scopes: o.scope, access_token_signing_alg: o.accessTokenSigningAlg });
    print(await (await this.platform.get(AdminResourcesController)).create(body));
  }
}

@SubCommand({ name: 'list', description: 'every API resource' })
export class ResourcesListCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run(): Promise<void> {
    print(await (await this.platform.get(AdminResourcesController)).list());
  }
}

@Command({ name: 'resources', description: 'API resources (audiences and their scopes)', subCommands: [ResourcesCreateCommand, ResourcesListCommand] })
export class ResourcesCommand extends CommandGroup {}
