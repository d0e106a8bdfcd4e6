import { AppConfig, ConfigError, RunMode, loadConfig } from './config';

/** Reads the configuration or stops the process with a message naming the variable at fault. */
export function bootConfig(mode: RunMode): AppConfig {
  try {
    return loadConfig(mode);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
