#!/usr/bin/env node
// `npm run deps`: checks the imports of server/ and client/ against the rules in .dependency-cruiser.cjs
// (docs/architecture.md explains them) and exits non-zero on any violation.
//
//   node scripts/deps.mjs                      check server/ and client/ of the current folder
//   node scripts/deps.mjs --config <file> <folder>...
//
// It calls dependency-cruiser's API rather than its `depcruise` command because the command refuses to
// start on Node 20, which package.json's engines still admit and this project's machines run; the API
// cruises the same way and the report is the command's own `err` format.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  options: { config: { type: 'string', default: path.join(projectRoot, '.dependency-cruiser.cjs') } },
  allowPositionals: true,
});

const options = await extractDepcruiseOptions(path.resolve(values.config));
const tsConfigFile = options.tsConfig?.fileName;
const tsConfig = tsConfigFile ? extractTSConfig(path.resolve(tsConfigFile)) : {};
const result = await cruise(
  positionals.length > 0 ? positionals : ['server', 'client'],
  { ...options, outputType: 'err' },
  {},
  { tsConfig },
);
process.stdout.write(result.output);
process.exitCode = result.exitCode > 0 ? 1 : 0;
