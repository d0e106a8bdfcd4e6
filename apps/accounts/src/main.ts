import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigModule, bootConfig, loggerModule } from '@idp/config';
import { natsOptions } from '@idp/bus';
import { AccountsModule } from './accounts.module';

@Module({})
class AccountsAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AccountsAppModule, imports: [ConfigModule.forRoot(config), loggerModule(config), AccountsModule] };
  }
}

/** The accounts service on its own: answers its bus subjects over NATS, in the "accounts" queue group. */
async function main() {
  const config = bootConfig('accounts');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AccountsAppModule.forRoot(config), {
    transport: Transport.NATS,
    options: { ...natsOptions(config.natsUrl!), queue: 'accounts' },
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  process.stdout.write('accounts service listening on NATS\n');
}

main().catch((err) => {
  process.stderr.write(`accounts failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
