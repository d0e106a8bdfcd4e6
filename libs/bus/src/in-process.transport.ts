import { CustomTransportStrategy, Server, BaseRpcContext } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { Contracts, Subject } from '@idp/contracts';
import { BusClient, BusUnavailableError } from './bus.client';

/**
 * The embedded mode's bus: the same @MessagePattern handlers the NATS transport serves, called
 * in-process. Payloads and replies go through JSON as they would on the wire, so both modes
 * behave alike (dates become strings, undefined fields disappear).
 */
export class InProcessTransport extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    callback();
  }

  close(): void {}

  on(): void {}

  unwrap<T>(): T {
    return this as unknown as T;
  }

  async dispatch(subject: string, payload: unknown): Promise<unknown> {
    const handler = this.getHandlerByPattern(subject);
    if (!handler) throw new BusUnavailableError(subject, 'no handler registered');
    const result = await handler(JSON.parse(JSON.stringify(payload ?? {})), new BaseRpcContext([]));
    const value = isObservable(result) ? await lastValueFrom(result) : result;
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
}

export class InProcessBusClient extends BusClient {
  constructor(private readonly transport: InProcessTransport) {
    super();
  }

  request<S extends Subject>(subject: S, payload: Contracts[S]['request']) {
    return this.transport.dispatch(subject, payload) as ReturnType<BusClient['request']>;
  }
}
