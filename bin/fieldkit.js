#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm run build` (run by `npm run check`, and by `npm start` when stale) produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/server/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('fieldkit: the CLI is not built yet. Run `npm run build` in the project folder first.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
