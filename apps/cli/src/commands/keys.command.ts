import { Command, SubCommand } from 'nest-commander';
import { AdminKeysController } from '../../../auth/src/admin/admin-keys.controller';
import { Platform } from '../platform';
import { print } from '../input';
import { AdminCommand, CommandGroup } from './admin-command';

@SubCommand({ name: 'list', description: 'the signing keys and their states (next, current, retiring, retired)' })
export class KeysListCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run(): Promise<void> {
    print(await (await this.platform.get(AdminKeysController)).list());
  }
}

@SubCommand({ name: 'rotate', description: 'publish a new signing key now; it signs after KEY_PREPUBLISH_SECONDS' })
export class KeysRotateCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run(): Promise<void> {
    print(await (await this.platform.get(AdminKeysController)).rotate());
  }
}

@Command({ name: 'keys', description: 'signing keys', subCommands: [KeysListCommand, KeysRotateCommand] })
export class KeysCommand extends CommandGroup {}
