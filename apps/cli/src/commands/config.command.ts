import { writeFileSync } from 'node:fs';
import { Command, SubCommand } from 'nest-commander';
import { ConfigTransfer } from '../config-transfer';
import { parseObject, print, readSource } from '../input';
import { CliError } from '../cli-error';
import { AdminCommand, CommandGroup, Commander } from './admin-command';

@SubCommand({ name: 'export', description: 'clients and API resources as JSON, without any secret' })
export class ConfigExportCommand extends AdminCommand {
  constructor(private readonly transfer: ConfigTransfer) {
    super();
  }

  protected configure(command: Commander): void {
    command.option('--out <path>', 'write to this file (mode 600) instead of standard output');
  }

  async run(): Promise<void> {
    const { out } = this.opts<{ out?: string }>();
    const document = await this.transfer.export();
    if (!out) return print(document);
    try {
      writeFileSync(out, JSON.stringify(document, null, 2) + '\n', { mode: 0o600 });
    } catch (err) {
      throw new CliError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    process.stderr.write(`exported ${(document.clients as unknown[]).length} client(s) and ${(document.resources as unknown[]).length} API resource(s) to ${out}\n`);
  }
}

@SubCommand({
  name: 'import',
  arguments: '<file>',
  description: 'create what is missing and update what differs (clients by client_id, API resources by audience); - reads standard input',
})
export class ConfigImportCommand extends AdminCommand {
  constructor(private readonly transfer: ConfigTransfer) {
    super();
  }

  protected configure(command: Commander): void {
    command.option('--dry-run', 'check every entry and print what would change, without writing');
  }

  async run([file]: string[]): Promise<void> {
    const { dryRun } = this.opts<{ dryRun?: boolean }>();
    print(await this.transfer.import(parseObject(readSource(file), file), !!dryRun));
  }
}

@Command({ name: 'config', description: 'export and import clients and API resources as JSON', subCommands: [ConfigExportCommand, ConfigImportCommand] })
export class ConfigCommand extends CommandGroup {}
