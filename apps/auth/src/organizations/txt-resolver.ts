import { Injectable } from '@nestjs/common';
import { resolveTxt } from 'node:dns/promises';

/** DNS TXT lookups for domain verification; a provider of its own so tests (and air-gapped sites) bring their own. */
@Injectable()
export class TxtResolver {
  async resolve(domain: string): Promise<string[]> {
    try {
      return (await resolveTxt(domain)).map((chunks) => chunks.join(''));
    } catch {
      return [];
    }
  }
}
