import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '@idp/config';
import { embeddedDatabaseHolder } from '@idp/database';
import { CliError } from './cli-error';

type Env = Record<string, string | undefined>;

/**
 * The command line works on the apps' database: PostgreSQL (DATABASE_URL, then
 * KEY_ENCRYPTION_KEY is required as for the services) or the embedded data folder (DATA_DIR, or
 * ./.data when an embedded platform has already run there). The admin token and pairwise salt
 * guard nothing here (no HTTP), so they are not demanded with PostgreSQL.
 */
export function cliConfig(env: Env = process.env): AppConfig {
  const dataDir = resolve(env.DATA_DIR || './.data');
  if (!env.DATABASE_URL && !env.DATA_DIR && !existsSync(join(dataDir, 'pg'))) {
    throw new CliError('set DATABASE_URL (PostgreSQL) or DATA_DIR (the embedded data folder)');
  }
  if (env.DATA_DIR?.startsWith('memory://')) throw new CliError('DATA_DIR=memory:// holds nothing between runs; name a folder');
  const filled: Env = { ...env, LOG_LEVEL: 'silent', DEMO: 'off', DEV_OUTBOX: 'off' };
  if (env.DATABASE_URL) {
    filled.ADMIN_TOKEN ||= 'unused-by-the-command-line';
    filled.PAIRWISE_SALT ||= 'unused-by-the-command-line';
  }
  let config: AppConfig;
  try {
    config = loadConfig('embedded', filled);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`configuration error: ${err.message}`);
    throw err;
  }
  if (!config.databaseUrl) refuseWhileEmbeddedRuns(config.dataDir);
  return config;
}

/** PGlite allows one process per data folder: a second one would corrupt it. */
function refuseWhileEmbeddedRuns(dataDir: string): void {
  const pid = embeddedDatabaseHolder(dataDir);
  if (pid) throw new CliError(`the embedded platform is running on ${dataDir} (process ${pid}): stop it first, or use the admin API (/admin/*) while it runs`);
}
