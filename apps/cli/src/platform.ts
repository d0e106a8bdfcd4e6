// The auth app's request types carry the cookie plugin's fields (its HTTP app registers the plugin).
import type {} from '@fastify/cookie';
import { Injectable, OnModuleDestroy, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client as PgClient } from 'pg';
import { InProcessTransport } from '@idp/bus';
import { closeEmbeddedDatabase } from '@idp/database';
import { cliConfig } from './cli-config';
import { CliError } from './cli-error';
import { PlatformModule } from './platform.module';

/**
 * Opens the platform only when a command needs it, so `--help` and bad usage answer without a
 * database. The admin API's own controllers and services then do the work: the command line
 * validates and stores exactly as `POST /admin/...` does.
 */
@Injectable()
export class Platform implements OnModuleDestroy {
  private app?: Promise<NestFastifyApplication>;

  async get<T>(type: Type<T>): Promise<T> {
    this.app ??= this.open();
    return (await this.app).get(type, { strict: false });
  }

  private async open(): Promise<NestFastifyApplication> {
    const config = cliConfig();
    if (config.databaseUrl) await reachable(config.databaseUrl);
    // No listen(): the HTTP adapter is only there because the in-process bus rides on a Nest application.
    const app = await NestFactory.create<NestFastifyApplication>(PlatformModule.forRoot(config), new FastifyAdapter(), { logger: false, abortOnError: false });
    app.connectMicroservice({ strategy: app.get(InProcessTransport) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.init();
    return app;
  }

  async onModuleDestroy(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    if (!app) return;
    await (await app.catch(() => undefined))?.close();
    await closeEmbeddedDatabase();
  }
}

/** Fails at once with the reason, instead of the ORM's half a minute of retries. */
async function reachable(url: string): Promise<void> {
  const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new CliError(`cannot reach the database at DATABASE_URL: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
