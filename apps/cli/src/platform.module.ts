import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@idp/config';
import { BusModule, EventsModule } from '@idp/bus';
import { AuthModule } from '../../auth/src/auth.module';
import { AccountsModule } from '../../accounts/src/accounts.module';
import { ConsentModule } from '../../consent/src/consent.module';

/**
 * What the commands run on: the three apps' modules over the database of the running platform,
 * with the bus in-process (the command line reaches the accounts and consent tables itself, so it
 * works while the other services are down). Domain events still go to NATS when NATS_URL is set.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...config, natsUrl: undefined }),
        EventsModule.forRoot(config),
        AuthModule.register({ demo: false, devOutbox: false }),
        AccountsModule,
        ConsentModule,
      ],
    };
  }
}
