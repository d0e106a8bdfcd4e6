import { CommandRunner } from 'nest-commander';
import { CliError } from '../cli-error';

/** nest-commander's own commander (the top-level `commander` package is another major version). */
export type Commander = Parameters<CommandRunner['setCommand']>[0];

/**
 * A command whose options are declared on commander directly (`configure`), read back with
 * `opts()`; every command gets `--help` from commander.
 */
export abstract class AdminCommand extends CommandRunner {
  setCommand(command: Commander): this {
    super.setCommand(command);
    this.configure(command);
    return this;
  }

  protected configure(_command: Commander): void {}

  protected opts<T = Record<string, unknown>>(): T {
    return this.command.opts() as T;
  }
}

/** `admin clients` with no or an unknown subcommand: the group's help, and a non-zero exit. */
export abstract class CommandGroup extends CommandRunner {
  async run(params: string[]): Promise<void> {
    if (params.length) throw new CliError(`unknown command '${this.command.name()} ${params[0]}' (see: ${this.command.name()} --help)`);
    process.stderr.write(this.command.helpInformation());
    throw new CliError(`${this.command.name()} needs a command`);
  }
}
