import { Injectable, Logger } from '@nestjs/common';
import { BusClient } from '@idp/bus';
import { ConsentSubjects } from '@idp/contracts';

/**
 * Tells the consent service that tokens were issued or refreshed for a user and client, so the
 * "connected apps" list can show when each was last used. Fire and forget: the token response
 * never waits for it, and the consent service writes at most once a minute per consent.
 */
@Injectable()
export class ConsentUsageService {
  private readonly log = new Logger(ConsentUsageService.name);

  constructor(private readonly bus: BusClient) {}

  touch(userId: string, clientId: string): void {
    this.bus.request(ConsentSubjects.consentTouch, { userId, clientId }).catch((err: unknown) => {
      this.log.warn(`consent last-used time not recorded: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}
