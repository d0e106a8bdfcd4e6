import { LookupAddress, lookup } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { Agent as UndiciAgent } from 'undici';
import { isSpecialUseAddress } from './special-use';

export class OutboundRefusedError extends Error {}

export interface OutboundOptions {
  /** Allow loopback and private addresses (development and tests only). */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Answers larger than this are cut off and refused. */
  maxBytes?: number;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Requests to addresses that clients chose (jwks_uri, sector_identifier_uri, back-channel logout):
 * http(s) only, a timeout, a size limit, no redirects, and no special-use addresses. The address is
 * checked when the connection is made, on the resolved IP, so DNS rebinding cannot slip past.
 */
export class Outbound {
  private readonly dispatcher: UndiciAgent;
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;

  constructor(private readonly options: OutboundOptions) {
    const guarded = this.lookup.bind(this);
    this.dispatcher = new UndiciAgent({ connect: { lookup: guarded as never, timeout: options.timeoutMs ?? 5000 } });
    this.httpAgent = new HttpAgent({ lookup: guarded as never } as never);
    this.httpsAgent = new HttpsAgent({ lookup: guarded as never } as never);
  }

  /** Refuses a URL before any request: wrong scheme, or an IP literal in a special-use range. */
  check(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundRefusedError('not an absolute URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefusedError(`scheme ${url.protocol} is not allowed`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.options.allowPrivate && isSpecialUseAddress(host)) throw new OutboundRefusedError(`address ${host} is not allowed`);
    return url;
  }

  async fetch(raw: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; ok: boolean; text: string }> {
    const url = this.check(raw);
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        // @ts-expect-error Node's fetch takes an undici dispatcher
        dispatcher: this.dispatcher,
      });
    } catch (err) {
      // fetch wraps connection failures; say what actually stopped the request.
      const cause = (err as { cause?: Error }).cause;
      throw cause instanceof OutboundRefusedError ? cause : new Error(cause?.message ?? (err as Error).message);
    }
    const limit = this.options.maxBytes ?? 256 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > limit) throw new OutboundRefusedError(`answer larger than ${limit} bytes`);
        chunks.push(Buffer.from(chunk));
      }
    }
    return { status: res.status, ok: res.ok, text: Buffer.concat(chunks).toString('utf8') };
  }

  private lookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => isSpecialUseAddress(a.address));
      if (bad && !this.options.allowPrivate) return callback(new OutboundRefusedError(`${hostname} resolves to ${bad.address}, which is not allowed`), []);
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  }
}
