import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { Contracts, Subject } from '@idp/contracts';
import { BusClient, BusUnavailableError } from './bus.client';

/** Options shared by every NATS connection: reconnect forever, quickly, so a restarted NATS heals by itself. */
export function natsOptions(url: string) {
  return {
    servers: url.split(','),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  };
}

export class NatsBusClient extends BusClient implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsBusClient.name);
  private readonly client: ClientProxy;

  constructor(url: string, private readonly timeoutMs: number) {
    super();
    this.client = ClientProxyFactory.create({ transport: Transport.NATS, options: natsOptions(url) });
  }

  async request<S extends Subject>(subject: S, payload: Contracts[S]['request']) {
    try {
      return await firstValueFrom(this.client.send(subject, payload).pipe(timeout(this.timeoutMs)));
    } catch (err) {
      const reason = err?.name === 'TimeoutError' ? `no reply within ${this.timeoutMs} ms` : String(err?.message ?? err);
      this.logger.warn(`bus request failed: ${subject}: ${reason}`);
      throw new BusUnavailableError(subject, reason);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
