import { DynamicModule, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { ConfigModule, bootConfig, loggerModule } from '@idp/config';
import { EventsModule } from './events';
import { natsOptions } from './nats-bus.client';

@Module({})
class BusServiceRoot {}

/**
 * Runs a bus-only service (accounts, consent) on its own: its @MessagePattern handlers answer over
 * NATS in a queue group named after the service, so any number of instances share the load.
 */
export async function runBusService(name: 'accounts' | 'consent', feature: Type<unknown>): Promise<void> {
  const config = bootConfig(name);
  const root: DynamicModule = { module: BusServiceRoot, imports: [ConfigModule.forRoot(config), loggerModule(config), EventsModule.forRoot(config), feature] };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(root, {
    transport: Transport.NATS,
    options: { ...natsOptions(config.natsUrl!), queue: name },
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  process.stdout.write(`${name} service listening on NATS\n`);
}
