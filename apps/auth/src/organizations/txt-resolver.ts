import { Inject, Injectable } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import { APP_CONFIG, AppConfig } from '@idp/config';

/**
 * DNS TXT lookups for domain verification, through DNS_SERVERS when set (a company resolver, or
 * the tests' own), else the system's. A provider of its own so the embedded tests swap in a stub.
 */
@Injectable()
export class TxtResolver {
  private readonly resolver = new Resolver({ timeout: 3000, tries: 2 });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.dnsServers.length) this.resolver.setServers(config.dnsServers);
  }

  async resolve(domain: string): Promise<string[]> {
    try {
      return (await this.resolver.resolveTxt(domain)).map((chunks) => chunks.join(''));
    } catch {
      return [];
    }
  }
}
