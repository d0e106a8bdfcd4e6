import { BusReply, Contracts, Subject } from '@idp/contracts';

/** The bus did not answer in time, or the service behind the subject is down. */
export class BusUnavailableError extends Error {
  constructor(readonly subject: string, reason: string) {
    super(`${subject}: ${reason}`);
  }
}

/**
 * Request/reply over the bus, typed by the Contracts table. Implementations: the in-process
 * transport (embedded mode) and NATS (distributed mode); callers cannot tell them apart.
 */
export abstract class BusClient {
  abstract request<S extends Subject>(
    subject: S,
    payload: Contracts[S]['request'],
  ): Promise<BusReply<Contracts[S]['value'], Contracts[S]['code'], Contracts[S]['details']>>;

  /** Like request, but a domain error becomes an exception: for calls that cannot fail by design. */
  async value<S extends Subject>(subject: S, payload: Contracts[S]['request']): Promise<Contracts[S]['value']> {
    const reply = await this.request(subject, payload);
    if (!reply.ok) throw new Error(`${subject} failed: ${reply.code} ${reply.message}`);
    return reply.value;
  }
}
