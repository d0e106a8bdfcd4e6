#!/usr/bin/env node
// `npm run admin -- <command>`: builds the command line once when dist/ has none (as `npm start`
// builds the platform), then runs it with the arguments given. `npm run build` rebuilds it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const main = join(root, 'dist/apps/cli/main.js');
if (!existsSync(main)) {
  process.stderr.write('building the admin command line (once)...\n');
  execFileSync(process.execPath, [join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'cli'], { cwd: root, stdio: ['ignore', 2, 2] });
}
require(main);
