import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, loggerModule } from '@idp/config';
import { BusModule, EventsModule } from '@idp/bus';
import { AuthModule } from './auth.module';

/** The auth app on its own (distributed mode). */
@Module({})
export class AuthAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [ConfigModule.forRoot(config), BusModule.forRoot(config), EventsModule.forRoot(config), loggerModule(config), AuthModule.register({ demo: config.demo, devOutbox: config.devOutbox })],
    };
  }
}
