import request from 'supertest';
import { afterAll, bench, describe } from 'vitest';
import { createTestEnv, seedFielding } from '../test/support/app.js';
import { nationalFrame, seedOutcomes } from './support/nationalFrame.js';
import { benchApiToken } from './support/staffToken.js';

/**
 * The staff case list (GET /api/staff/fieldings/:name/cases) of the synthetic national frame
 * (~2,300 offices, a third of them submitted), next to a baseline in the same run: one raw SELECT
 * of the same cases with their offices and responses. The first request computes every case's
 * disposition (the share answered needs the instrument's logic); later requests reuse them.
 */
const env = createTestEnv();
const frame = nationalFrame();
seedFielding(env, { name: 'national', rows: frame.rows });
seedOutcomes(env, (id) => (id - 1) % 3 === 0);
const token = benchApiToken(env);
const cases = env.db.prepare('SELECT count(*) FROM cases').pluck().get() as number;
const raw = env.db.prepare(
  `SELECT c.id, o.office_id, o.office_name, o.state, o.stratum, r.status, r.revision
   FROM cases c JOIN offices o ON o.id = c.office_id LEFT JOIN responses r ON r.case_id = c.id`,
);

async function list(query: string) {
  const res = await request(env.app)
    .get(`/api/staff/fieldings/national/cases?${query}`)
    .set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`the list answered ${res.status}`);
  return res.body.total as number;
}

// The first request fills the dispositions: timed once, printed beside the rest.
const started = performance.now();
await list('pageSize=50');
process.stdout.write(
  `cases list of ${cases} cases, first request (every disposition computed): ${(performance.now() - started).toFixed(0)} ms\n`,
);

afterAll(() => env.close());

describe(`staff case list of ${cases} offices`, () => {
  bench('baseline: raw SELECT of the cases with offices and responses', () => {
    raw.all();
  });
  bench('GET page 1 by office name', async () => {
    await list('pageSize=50');
  });
  bench('GET sorted by disposition, filtered by stratum and a name search, page 3', async () => {
    await list('sort=disposition&order=desc&stratum=under%20100%2C000&q=county&page=3&pageSize=50');
  });
});
