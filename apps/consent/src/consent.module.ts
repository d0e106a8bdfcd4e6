import { Module } from '@nestjs/common';
import { DatabaseModule } from '@idp/database';
import { ConsentEntity } from '@idp/domain';
import { ConsentController } from './consent.controller';
import { ConsentsService } from './consents.service';
import { ConsentInit1763880000000 } from './migrations/1763880000000-consent-init';
import { ConsentUsageTrustedPhone1764400000000 } from './migrations/1764400000000-consent-usage-trusted-phone';
import { ConsentClock, SystemConsentClock } from './clock';
import { TrustedPhonesService } from './trusted-phone/trusted-phones.service';

/** Consents (user x client x scopes) and partner-verified phone confirmations. Reached only over the bus. */
@Module({
  imports: [DatabaseModule.forApp({ schema: 'consent', entities: [ConsentEntity], migrations: [ConsentInit1763880000000, ConsentUsageTrustedPhone1764400000000] })],
  controllers: [ConsentController],
  providers: [ConsentsService, TrustedPhonesService, { provide: ConsentClock, useClass: SystemConsentClock }],
})
export class ConsentModule {}
