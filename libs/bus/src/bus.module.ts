import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@idp/config';
import { BusClient } from './bus.client';
import { InProcessBusClient, InProcessTransport } from './in-process.transport';
import { NatsBusClient } from './nats-bus.client';

/**
 * Provides BusClient: NATS when NATS_URL is set, otherwise the in-process transport (which the
 * embedded composition root also connects as its microservice strategy).
 */
@Global()
@Module({})
export class BusModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = config.natsUrl
      ? [{ provide: BusClient, useFactory: () => new NatsBusClient(config.natsUrl!, config.busTimeoutMs) }]
      : [
          { provide: InProcessTransport, useValue: new InProcessTransport() },
          { provide: BusClient, useFactory: (t: InProcessTransport) => new InProcessBusClient(t), inject: [InProcessTransport] },
        ];
    return { module: BusModule, providers, exports: providers.map((p) => p.provide) };
  }
}
