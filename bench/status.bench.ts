import { afterAll, bench, describe } from 'vitest';
import { createCaseDispositions } from '../server/casework/dispositionCache.js';
import { fieldingStatus } from '../server/fieldwork/status.js';
import { createRepos } from '../server/repos.js';
import { createTestEnv, seedFielding } from '../test/support/app.js';
import { nationalFrame, seedOutcomes } from './support/nationalFrame.js';

/**
 * The fieldwork status (GET /api/staff/fieldings/:name/status, `fieldkit status`) of the synthetic
 * national frame (~2,300 offices): a third submitted, some declined, refused, not eligible or
 * abandoned after a link was opened, the rest invited and silent. Timed with a cold disposition
 * cache (the first request after a server start: every submitted case's share answered needs the
 * instrument's logic) and a warm one, next to a baseline in the same run: the plain SQL count of the
 * same cases by stratum. Prints the ratios, and the longest the event loop was held while a cold
 * status was computed (the cache yields every few milliseconds).
 */
const env = createTestEnv();
seedFielding(env, { name: 'national', rows: nationalFrame().rows });
// A third submitted; of the rest some declined, refused, not eligible or abandoned after opening the link.
seedOutcomes(
  env,
  (id) => id % 3 === 0,
  (id) => {
    if (id % 11 === 1) return { type: 'declined' };
    if (id % 13 === 1) return { type: 'marked_refused', detail: '{"reason":"by phone"}' };
    if (id % 29 === 1) return { type: 'marked_ineligible', detail: '{"reason":"merged"}' };
    return id % 7 === 1 ? { type: 'link_opened' } : undefined;
  },
);
const repos = createRepos(env.db);
const firstSubmitted = env.db.prepare('SELECT min(case_id) FROM responses').pluck().get() as number;
/** A fresh cache without the start-up preparation: the instrument's model is built by the first disposition. */
const fresh = () => ({ repos, dispositions: createCaseDispositions(env.instruments), clock: env.clock });
/** What createApp does before the server listens: the models of the versions in use are built. */
const prepared = () => {
  const dispositions = createCaseDispositions(env.instruments);
  const started = performance.now();
  dispositions.prepare(repos.fieldings.versionsInUse());
  preparationMs = performance.now() - started;
  return { repos, dispositions, clock: env.clock };
};
let preparationMs = 0;
/** A fresh cache whose instrument model is already built (one case page opened): every disposition still to compute. */
const modelBuilt = () => {
  const ctx = fresh();
  ctx.dispositions.outcomeOf(repos, firstSubmitted);
  return ctx;
};
const warm = fresh();
const cases = env.db.prepare('SELECT count(*) FROM cases').pluck().get() as number;
const baseline = env.db.prepare(
  `SELECT o.stratum, count(*) AS n FROM cases c JOIN offices o ON o.id = c.office_id
   WHERE c.fielding_id = (SELECT id FROM fieldings WHERE name = 'national') GROUP BY o.stratum`,
);

/**
 * The longest gap between ticks of a zero-delay timer while `run` goes on: how long a respondent's
 * request arriving meanwhile could have waited.
 */
async function longestBlock(run: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  let watching = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (watching) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  await run();
  // Let the timer see the last slice of work before it stops.
  await new Promise((resolve) => setTimeout(resolve, 0));
  watching = false;
  return longest;
}

/** Mean milliseconds a run, and the longest the event loop was held meanwhile (ms). */
async function measured<T>(runs: number, prepare: () => T, run: (prepared: T) => unknown) {
  let total = 0;
  let blockMs = 0;
  for (let i = 0; i < runs; i++) {
    const prepared = prepare();
    const started = performance.now();
    blockMs = Math.max(blockMs, await longestBlock(async () => run(prepared)));
    total += performance.now() - started;
  }
  return { ms: total / runs, blockMs };
}

const first = await measured(2, fresh, (ctx) => fieldingStatus(ctx, 'national'));
const afterStart = await measured(2, prepared, (ctx) => fieldingStatus(ctx, 'national'));
const cold = await measured(3, modelBuilt, (ctx) => fieldingStatus(ctx, 'national'));
await fieldingStatus(warm, 'national');
const hot = await measured(
  20,
  () => warm,
  (ctx) => fieldingStatus(ctx, 'national'),
);
const base = await measured(
  200,
  () => undefined,
  () => baseline.all(),
);
const status = await fieldingStatus(warm, 'national');
const line = (label: string, m: { ms: number; blockMs: number }) =>
  `  ${label}: ${m.ms.toFixed(1)} ms = ${(m.ms / base.ms).toFixed(0)} × baseline; event loop held at most ${m.blockMs.toFixed(0)} ms`;
process.stdout.write(
  [
    `fieldwork status of ${cases} cases (${status.overall.counts.I} complete, RR1 ${((status.overall.rates.RR1 ?? 0) * 100).toFixed(1)}%):`,
    `  baseline, SQL count of the cases by stratum: ${base.ms.toFixed(2)} ms`,
    line('first status on an unprepared cache (builds the instrument model, then every disposition)', first),
    `  start-up preparation (createApp builds the models of the versions in use, before listening): ${preparationMs.toFixed(0)} ms`,
    line('first status after a server start (models prepared, every disposition computed)', afterStart),
    line('cold disposition cache, instrument model built', cold),
    line('warm disposition cache', hot),
    '',
  ].join('\n'),
);

afterAll(() => env.close());

describe(`fieldwork status of ${cases} offices`, () => {
  bench('baseline: SELECT stratum, count(*) … GROUP BY stratum', () => {
    baseline.all();
  });
  bench('status, warm disposition cache', async () => {
    await fieldingStatus(warm, 'national');
  });
  bench(
    'status, cold disposition cache (model built)',
    async () => {
      await fieldingStatus(modelBuilt(), 'national');
    },
    { iterations: 2, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
