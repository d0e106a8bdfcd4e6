import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@idp/config';
import { embeddedDatabase } from './embedded-db';
import { migrate } from './migrate';
import { pgliteDriver } from './pglite.driver';

export interface AppDatabase {
  /** The owning app; also its schema and the DataSource's name. */
  schema: 'auth' | 'accounts' | 'consent';
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
}

/**
 * One DataSource per app, on that app's own schema: PostgreSQL when DATABASE_URL is set, the
 * shared embedded PGlite otherwise. Migrations run at start-up; schema sync is never used.
 */
@Module({})
export class DatabaseModule {
  static forApp(db: AppDatabase): DynamicModule {
    const root = TypeOrmModule.forRootAsync({
      name: db.schema,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<DataSourceOptions> => ({
        type: 'postgres',
        name: db.schema,
        schema: db.schema,
        entities: db.entities,
        migrations: db.migrations,
        migrationsTableName: 'migrations',
        synchronize: false,
        installExtensions: false,
        logging: false,
        ...(config.databaseUrl
          ? { url: config.databaseUrl, poolSize: 10, applicationName: `idp-${config.mode}` }
          : { driver: pgliteDriver(await embeddedDatabase(config.dataDir)) }),
      }),
      dataSourceFactory: async (options) => {
        const ds = await new DataSource(options!).initialize();
        await migrate(ds, db.schema, !(options as { url?: string }).url);
        return ds;
      },
    });
    return { module: DatabaseModule, imports: [root, TypeOrmModule.forFeature(db.entities as Function[], db.schema)], exports: [TypeOrmModule] };
  }
}
