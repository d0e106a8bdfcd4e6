import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module';
import { describeError } from './cli-error';

/**
 * `npm run admin -- <command>`: administration on the platform's database. Output is JSON on
 * standard output; a failure is one line on standard error and exit code 1.
 */
async function main() {
  await CommandFactory.run(CliModule, {
    cliName: 'admin',
    logger: false,
    // Commander has printed its one-line message (or the help) and exits with its own code.
    errorHandler: () => undefined,
    serviceErrorHandler: (err) => {
      process.stderr.write(`error: ${describeError(err)}\n`);
      process.exitCode = 1;
    },
  });
}

main()
  .catch((err) => {
    process.stderr.write(`error: ${describeError(err)}\n`);
    process.exitCode = 1;
  })
  // The embedded database leaves a timer armed after closing; nothing else is pending by now.
  .finally(() => process.exit(process.exitCode ?? 0));
