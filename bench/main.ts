// `npm run bench`: our platform side by side with oidc-provider. See README "Performance".
import { parseOptions } from './lib/options';
import { runBench } from './lib/run';

runBench(parseOptions(process.argv.slice(2)))
  .then(() => process.exit(0))
  .catch((err) => {
    process.stderr.write(`\nbench failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
