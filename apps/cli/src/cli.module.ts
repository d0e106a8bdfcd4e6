import { Module } from '@nestjs/common';
import { ClientsCommand, ClientsCreateCommand, ClientsDeleteCommand, ClientsListCommand, ClientsShowCommand, ClientsUpdateCommand } from './commands/clients.command';
import { ConfigCommand, ConfigExportCommand, ConfigImportCommand } from './commands/config.command';
import { KeysCommand, KeysListCommand, KeysRotateCommand } from './commands/keys.command';
import { ResourcesCommand, ResourcesCreateCommand, ResourcesListCommand } from './commands/resources.command';
import { UsersCommand, UsersCreateCommand } from './commands/users.command';
import { TrustAnchorsCommand, TrustAnchorsImportCommand, TrustAnchorsListCommand } from './commands/trust-anchors.command';
import { ConfigTransfer } from './config-transfer';
import { Platform } from './platform';

/** The commands; the platform they act on opens only when one of them runs. */
@Module({
  providers: [
    Platform,
    ConfigTransfer,
    ClientsCommand, ClientsCreateCommand, ClientsListCommand, ClientsShowCommand, ClientsUpdateCommand, ClientsDeleteCommand,
    ResourcesCommand, ResourcesCreateCommand, ResourcesListCommand,
    UsersCommand, UsersCreateCommand,
    KeysCommand, KeysListCommand, KeysRotateCommand,
    ConfigCommand, ConfigExportCommand, ConfigImportCommand,
    TrustAnchorsCommand, TrustAnchorsImportCommand, TrustAnchorsListCommand,
  ],
})
export class CliModule {}
