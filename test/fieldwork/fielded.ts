import request from 'supertest';
import { markCase } from '../../server/casework/service.js';
import { recordUndeliverable } from '../../server/casework/undeliverable.js';
import { createRepos } from '../../server/repos.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { handOutLinks, seedFielding, type TestEnv, tokenOf } from '../support/app.js';

export const SMALL = 'under 100,000';
export const MIDDLE = '100,000–249,999';
export const LARGE = '1,000,000+';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Ten offices in three strata; each comment says the final disposition the fielding gives it. */
export const OFFICES = [
  frameRow(1, { office_name: 'Adams County DA', stratum: SMALL }), // 1.1 complete, on day 0
  frameRow(2, { office_name: 'Baker County Prosecutor', stratum: MIDDLE }), // 1.1 complete, on day 2
  frameRow(3, { office_name: 'Clark County DA', stratum: SMALL }), // 1.2 partial: a full draft, not submitted
  frameRow(4, { office_name: 'Dade County DA', stratum: MIDDLE }), // 2.12 break-off: two answers saved
  frameRow(5, { office_name: 'Erie County DA', stratum: SMALL }), // 2.11 declined in the survey
  frameRow(6, { office_name: 'Fulton County DA', stratum: LARGE }), // 2.11 refusal recorded by staff
  frameRow(7, { office_name: 'Grant County DA', stratum: MIDDLE }), // 4.10 marked not eligible
  frameRow(8, { office_name: 'Hall County DA', stratum: LARGE }), // 3.19 never opened
  frameRow(9, { office_name: 'Iron County DA', stratum: SMALL }), // 3.30 its only address bounced
  frameRow(10, { office_name: 'Jay County DA', stratum: SMALL }), // 3.19 never opened
];

export const caseIdOf = (env: TestEnv, officeId: string) =>
  env.db
    .prepare('SELECT c.id FROM cases c JOIN offices o ON o.id = c.office_id WHERE o.office_id = ?')
    .pluck()
    .get(officeId) as number;

/**
 * The fielding "wave1" of OFFICES, driven through the respondent API, staff's case marks and the
 * undeliverable rule, over three days of the test's clock (links issued and handed out 2027-02-01). Rows, offices
 * and contacts may be replaced (`rows`) as long as there are ten.
 */
export async function fieldedWave(env: TestEnv, rows = OFFICES) {
  const links = seedFielding(env, { name: 'wave1', rows });
  handOutLinks(env, 'wave1');
  const [adams, baker, clark, dade, erie] = links.map(tokenOf) as [string, string, string, string, string];
  const app = request(env.app);
  await app.post(`/api/respond/${adams}/complete`).send({ answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
  await app
    .put(`/api/respond/${clark}/draft`)
    .send({ answers: chargedOfficeAnswers(), page: 3, revision: 0 })
    .expect(200);
  await app
    .put(`/api/respond/${dade}/draft`)
    .send({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 })
    .expect(200);
  await app.post(`/api/respond/${erie}/decline`).send({}).expect(200);
  const repos = createRepos(env.db);
  const ctx = { repos, clock: env.clock };
  markCase(ctx, { caseId: caseIdOf(env, 'OFF-6'), as: 'refused', reason: 'Declined by phone', actor: 'field@study' });
  markCase(ctx, { caseId: caseIdOf(env, 'OFF-7'), as: 'ineligible', reason: 'Office merged', actor: 'field@study' });
  const iron = env.db.prepare(
    "SELECT k.id FROM contacts k JOIN offices o ON o.id = k.office_id WHERE o.office_id = 'OFF-9'",
  );
  env.db.transaction(() =>
    recordUndeliverable(repos, {
      contactId: iron.pluck().get() as number,
      at: env.clock().toISOString(),
      reason: 'mailbox does not exist',
      source: { kind: 'staff' },
    }),
  )();
  env.clock.advance(2 * DAY_MS);
  await app.post(`/api/respond/${baker}/complete`).send({ answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
  return { links };
}
