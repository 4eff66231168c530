import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, bench, describe } from 'vitest';
import { EXPORT_FORMATS, exportFielding } from '../server/exports/service.js';
import { createRepos } from '../server/repos.js';
import { chargedOfficeAnswers } from '../test/factories/answers.js';
import { frameRow } from '../test/factories/frame.js';
import { createTestEnv, seedFielding } from '../test/support/app.js';

/**
 * Exporting 10,000 and 20,000 completed Phase I cases to every format, next to a baseline measured
 * in the same run: a raw scan of the responses table written as CSV with csv-stringify. Prints the
 * time and the peak resident memory of each; memory should stay flat as cases grow.
 */
function fieldingOf(cases: number) {
  const env = createTestEnv();
  seedFielding(env, { rows: Array.from({ length: cases }, (_, i) => frameRow(i + 1)) });
  const at = env.clock().toISOString();
  const insert = env.db.prepare(
    `INSERT INTO responses (case_id, instrument_id, instrument_version, status, answers, started_at, updated_at, submitted_at)
     SELECT id, 'tip-prosecutor-survey', f.instrument_version, 'completed', ?, ?, ?, ? FROM cases
     JOIN (SELECT instrument_version FROM fieldings LIMIT 1) f WHERE cases.id = ?`,
  );
  const event = env.db.prepare("INSERT INTO case_events (case_id, type, at) VALUES (?, 'completed', ?)");
  env.db.transaction(() => {
    for (let id = 1; id <= cases; id++) {
      insert.run(JSON.stringify(chargedOfficeAnswers({ a2_years: id % 40, a5_pop: 1000 + id })), at, at, at, id);
      event.run(id, at);
    }
  })();
  return env;
}

const peak = { rss: 0 };
const sampler = setInterval(() => {
  peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
}, 20);
sampler.unref();

async function measured(label: string, work: () => void | Promise<void>) {
  peak.rss = process.memoryUsage().rss;
  const started = performance.now();
  await work();
  peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
  const line = `${label}: ${((performance.now() - started) / 1000).toFixed(2)} s, peak RSS ${(peak.rss / 2 ** 20).toFixed(0)} MB`;
  process.stdout.write(`${line}\n`);
}

const envs = { 10000: fieldingOf(10_000), 20000: fieldingOf(20_000) };
const out = path.join(tmpdir(), `fieldkit-export-bench-${process.pid}`);
afterAll(() => {
  for (const env of Object.values(envs)) env.close();
  rmSync(out, { recursive: true, force: true });
});

/**
 * `fieldkit export` as an analyst runs it: its own process on the database file, every format.
 * Its peak memory is the process's own maximum resident set (getrusage), free of this bench's
 * seeded databases; needs `npm run build` (the CLI is the compiled one).
 */
const CLI = new URL('../dist/server/cli.js', import.meta.url);
function cliExport(label: string, dataDir: string, dir: string) {
  if (!existsSync(CLI)) throw new Error('bench/export.bench.ts: run `npm run build` first (it runs the compiled CLI).');
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(CLI.href)});
       process.exitCode = await main(process.argv.slice(1));
       process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n');`,
      'export',
      '--fielding',
      'pilot',
      '--out',
      dir,
    ],
    { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`fieldkit export failed: ${run.stderr}`);
  const kb = Number(/maxrss (\d+)/.exec(run.stderr)?.[1]);
  const line = `${label}: ${((performance.now() - started) / 1000).toFixed(2)} s, peak RSS ${(kb / 1024).toFixed(0)} MB (own process)`;
  process.stdout.write(`${line}\n`);
  rmSync(dir, { recursive: true, force: true });
}

describe('export of completed Phase I cases', () => {
  for (const [cases, env] of Object.entries(envs)) {
    bench(
      `baseline: raw scan of ${cases} responses to CSV (csv-stringify)`,
      () =>
        measured(`baseline ${cases}`, () => {
          const rows = env.db.prepare('SELECT case_id, status, answers FROM responses').raw().iterate() as Iterable<
            unknown[]
          >;
          const file = `${out}-raw-${cases}.csv`;
          const fd = openSync(file, 'w');
          for (const row of rows) writeSync(fd, stringify([row]));
          closeSync(fd);
          rmSync(file);
        }),
      { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
    bench(
      `every format, ${cases} cases`,
      () =>
        measured(`export ${cases}`, async () => {
          const dir = `${out}-${cases}`;
          await exportFielding(
            { repos: createRepos(env.db), instruments: env.instruments, clock: env.clock },
            {
              fielding: 'pilot',
              out: dir,
              formats: EXPORT_FORMATS,
              completesOnly: false,
              public: false,
              includeFreeText: false,
              actor: 'bench',
            },
          );
          rmSync(dir, { recursive: true, force: true });
        }),
      { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
    bench(
      `fieldkit export (own process), every format, ${cases} cases`,
      () => cliExport(`fieldkit export ${cases}`, env.dir, `${out}-cli-${cases}`),
      { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
  }
});
