import { Injectable } from '@nestjs/common';
import { Outbound } from '@idp/outbound';
import { TxtResolver } from './txt-resolver';

export const WELL_KNOWN_VERIFICATION_PATH = '/.well-known/idp-verification.txt';
const PREFIX = 'idp-verification=';

/**
 * Proof that an organisation controls a domain: a TXT record `idp-verification=<token>` on the
 * domain, or the token in https://<domain>/.well-known/idp-verification.txt (fetched through the
 * outbound guard: no private addresses, no redirects, small answers only).
 */
@Injectable()
export class DomainVerifier {
  constructor(
    private readonly txt: TxtResolver,
    private readonly outbound: Outbound,
  ) {}

  async verify(domain: string, token: string): Promise<'dns' | 'http' | null> {
    const records = await this.txt.resolve(domain);
    if (records.some((r) => r.trim() === PREFIX + token)) return 'dns';
    try {
      const res = await this.outbound.fetch(`https://${domain}${WELL_KNOWN_VERIFICATION_PATH}`);
      const body = res.text.trim();
      if (res.ok && (body === token || body === PREFIX + token)) return 'http';
    } catch {
      // Unreachable, refused or too large: simply not proven.
    }
    return null;
  }
}
