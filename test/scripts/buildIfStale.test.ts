import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';

const script = path.join(projectRoot, 'scripts', 'build-if-stale.mjs');

/**
 * A project tree of its own whose `npm run build` writes the outputs `npm start` needs and counts
 * how often it ran, so the test sees exactly when the script decides to build.
 */
function projectTree() {
  const root = mkdtempSync(path.join(tmpdir(), 'fieldkit-build-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const fakeBuild = [
    "const fs = require('node:fs');",
    "fs.mkdirSync('dist/server', { recursive: true });",
    "fs.mkdirSync('dist/client/respond', { recursive: true });",
    "fs.mkdirSync('dist/client/console', { recursive: true });",
    "fs.writeFileSync('dist/server/index.js', '');",
    "fs.writeFileSync('dist/client/respond/index.html', '');",
    "fs.writeFileSync('dist/client/console/index.html', '');",
    "fs.appendFileSync('builds.txt', 'x');",
  ].join(' ');
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'tree', scripts: { build: 'node build.cjs' } }),
  );
  writeFileSync(path.join(root, 'build.cjs'), fakeBuild);
  mkdirSync(path.join(root, 'server'));
  writeFileSync(path.join(root, 'server', 'index.ts'), 'export {};\n');
  mkdirSync(path.join(root, 'client', 'respond'), { recursive: true });
  writeFileSync(path.join(root, 'client', 'respond', 'index.html'), '<!doctype html>\n');
  return {
    root,
    builds: () => {
      try {
        return readFileSync(path.join(root, 'builds.txt'), 'utf8').length;
      } catch {
        return 0;
      }
    },
    run: (...args: string[]) => {
      const result = spawnSync(process.execPath, [script, '--root', root, ...args], { encoding: 'utf8' });
      return { code: result.status, stdout: result.stdout };
    },
  };
}

describe('scripts/build-if-stale.mjs (npm prestart)', () => {
  it('builds when there is no build yet, and not again while the sources are unchanged', () => {
    const tree = projectTree();

    expect(tree.run('--check')).toEqual({ code: 1, stdout: 'build: stale (dist/server/index.js is missing)\n' });
    const first = tree.run();
    expect(first.code).toBe(0);
    expect(first.stdout.split('\n')[0]).toBe('build: rebuilding (dist/server/index.js is missing)');
    expect(tree.builds()).toBe(1);

    expect(tree.run('--check')).toEqual({ code: 0, stdout: 'build: the build is current\n' });
    expect(tree.run()).toEqual({ code: 0, stdout: 'build: current, not rebuilding\n' });
    expect(tree.builds()).toBe(1);
  });

  it('rebuilds when a build exists but was never recorded (e.g. made by `npm run build`)', () => {
    const tree = projectTree();
    tree.run();
    rmSync(path.join(tree.root, 'dist', '.build-stamp'));

    expect(tree.run('--check')).toEqual({ code: 1, stdout: 'build: stale (no record of the sources last built)\n' });
  });

  it('rebuilds after a source file is touched, added or removed', () => {
    const tree = projectTree();
    tree.run();
    const source = path.join(tree.root, 'server', 'index.ts');
    const later = new Date(Date.now() + 60_000);

    utimesSync(source, later, later);
    expect(tree.run('--check')).toEqual({ code: 1, stdout: 'build: stale (sources changed since the last build)\n' });
    tree.run();
    expect(tree.builds()).toBe(2);

    writeFileSync(path.join(tree.root, 'client', 'extra.ts'), 'export {};\n');
    expect(tree.run('--check').code).toBe(1);
    tree.run();
    rmSync(path.join(tree.root, 'client', 'extra.ts'));
    expect(tree.run('--check').code).toBe(1);
    expect(tree.builds()).toBe(3);
  });
});
