#!/usr/bin/env node
// Runs `npm run build` before `npm start` only when the build is missing or older than its sources,
// so restarting the server does not cost a full TypeScript and Vite build every time.
//
//   node scripts/build-if-stale.mjs            build if stale, then record the sources built
//   node scripts/build-if-stale.mjs --check    only say whether it is stale (exit 0 current, 1 stale)
//   --root <folder>                            the project folder (default: the one holding this script)
//
// Plain Node with no dependencies: it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Everything `npm run build` reads: tsc (tsconfig*.json, server/) and Vite (client/), plus the dependencies. */
const SOURCE_FOLDERS = ['server', 'client'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/** What `npm start` needs from the build. */
const OUTPUTS = ['dist/server/index.js', 'dist/client/respond/index.html', 'dist/client/console/index.html'];
const STAMP = 'dist/.build-stamp';

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * A hash of every source file's path, size and modification time. Unlike "newest mtime" it also
 * changes when a file is deleted or an older version is checked out.
 */
export function sourceFingerprint(root) {
  const files = [
    ...SOURCE_FOLDERS.flatMap((dir) => listFiles(path.join(root, dir))),
    ...SOURCE_FILES.map((f) => path.join(root, f)).filter((f) => existsSync(f)),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${path.relative(root, file)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Whether the build must run, and why, in words. */
export function buildState(root) {
  const missing = OUTPUTS.find((f) => !existsSync(path.join(root, f)));
  if (missing) return { stale: true, reason: `${missing} is missing` };
  const stampFile = path.join(root, STAMP);
  if (!existsSync(stampFile)) return { stale: true, reason: 'no record of the sources last built' };
  if (readFileSync(stampFile, 'utf8').trim() !== sourceFingerprint(root)) {
    return { stale: true, reason: 'sources changed since the last build' };
  }
  return { stale: false, reason: 'the build is current' };
}

function main() {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, root: { type: 'string' } },
  });
  const root = path.resolve(values.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const state = buildState(root);
  if (values.check) {
    process.stdout.write(`build: ${state.stale ? `stale (${state.reason})` : state.reason}\n`);
    return state.stale ? 1 : 0;
  }
  if (!state.stale) {
    process.stdout.write('build: current, not rebuilding\n');
    return 0;
  }
  process.stdout.write(`build: rebuilding (${state.reason})\n`);
  // Taken before building: a source edited during the build makes the next start rebuild again.
  const fingerprint = sourceFingerprint(root);
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;
  writeFileSync(path.join(root, STAMP), `${fingerprint}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
