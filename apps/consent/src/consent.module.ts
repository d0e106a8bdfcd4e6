import { Module } from '@nestjs/common';
import { DatabaseModule } from '@idp/database';
import { ConsentEntity } from '@idp/domain';
import { ConsentController } from './consent.controller';
import { ConsentsService } from './consents.service';
import { ConsentInit1763880000000 } from './migrations/1763880000000-consent-init';

/** Consents (user x client x scopes). Reached only over the bus. */
@Module({
  imports: [DatabaseModule.forApp({ schema: 'consent', entities: [ConsentEntity], migrations: [ConsentInit1763880000000] })],
  controllers: [ConsentController],
  providers: [ConsentsService],
})
export class ConsentModule {}
