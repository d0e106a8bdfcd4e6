import { Command, SubCommand } from 'nest-commander';
import { AdminUsersController } from '../../../auth/src/admin/admin-users.controller';
import { Platform } from '../platform';
import { print, readBody, readSource } from '../input';
import { AdminCommand, CommandGroup, Commander } from './admin-command';

interface UserFlags {
  json?: string;
  file?: string;
  login?: string;
  passwordFile?: string;
  email?: string;
  phone?: string;
  givenName?: string;
  familyName?: string;
}

@SubCommand({ name: 'create', description: 'create a user (as POST /admin/users); the identifiers given count as verified' })
export class UsersCreateCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  protected configure(command: Commander): void {
    command
      .option('--json <object>', 'the fields of POST /admin/users as a JSON object (login, password, email, phone, given_name, ...)')
      .option('--file <path>', 'the same JSON from a file, or - for standard input')
      .option('--login <login>', 'login')
      .option('--password-file <path>', 'read the password from a file, or - for standard input (kept off the command line)')
      .option('--email <address>', 'e-mail address')
      .option('--phone <number>', 'phone number')
      .option('--given-name <name>', 'given_name')
      .option('--family-name <name>', 'family_name');
  }

  async run(): Promise<void> {
    const o = this.opts<UserFlags>();
    const password = o.passwordFile !== undefined ? readSource(o.passwordFile).replace(/\r?\n$/, '') : undefined;
    const body = readBody(o, { login: o.login, password, email: o.email, phone: o.phone, given_name: o.givenName, family_name: o.familyName });
    print(await (await this.platform.get(AdminUsersController)).create(body));
  }
}

@Command({ name: 'users', description: 'user accounts', subCommands: [UsersCreateCommand] })
export class UsersCommand extends CommandGroup {}
