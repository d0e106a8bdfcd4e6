import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, loggerModule } from '@idp/config';
import { BusModule, EventsModule } from '@idp/bus';
import { AuthModule } from '../../auth/src/auth.module';
import { AccountsModule } from '../../accounts/src/accounts.module';
import { ConsentModule } from '../../consent/src/consent.module';

/** The one-process composition root: the three apps' modules, the in-process bus, PGlite. */
@Module({})
export class EmbeddedModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: EmbeddedModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot(config),
        EventsModule.forRoot(config),
        loggerModule(config),
        AuthModule.register({ demo: config.demo, devOutbox: config.devOutbox }),
        AccountsModule,
        ConsentModule,
      ],
    };
  }
}
