import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigModule, bootConfig, loggerModule } from '@idp/config';
import { natsOptions } from '@idp/bus';
import { ConsentModule } from './consent.module';

@Module({})
class ConsentAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConsentAppModule, imports: [ConfigModule.forRoot(config), loggerModule(config), ConsentModule] };
  }
}

/** The consent service on its own: answers its bus subjects over NATS, in the "consent" queue group. */
async function main() {
  const config = bootConfig('consent');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(ConsentAppModule.forRoot(config), {
    transport: Transport.NATS,
    options: { ...natsOptions(config.natsUrl!), queue: 'consent' },
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  process.stdout.write('consent service listening on NATS\n');
}

main().catch((err) => {
  process.stderr.write(`consent failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
