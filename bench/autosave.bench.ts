import request from 'supertest';
import { afterAll, bench, describe } from 'vitest';
import { createSurveyModel } from '../server/instruments/answers.js';
import { createTestEnv, seedFielding, shippedInstruments, tokenOf } from '../test/support/app.js';

/**
 * An autosave (PUT draft of the Phase I survey) against the cost of building one SurveyJS model of
 * the same survey, in the same run. Autosaves read question definitions from a cached model, so a
 * save must stay well below one model build; `vitest bench` prints the ratio between the two.
 */
const env = createTestEnv();
const [link] = seedFielding(env);
const token = tokenOf(link as NonNullable<typeof link>);
const instrument = shippedInstruments().resolve('tip-prosecutor-survey');
let revision = 0;
let years = 0;

afterAll(() => env.close());

describe('autosave of the Phase I survey', () => {
  bench('build one SurveyJS model (baseline)', () => {
    if (instrument) createSurveyModel(instrument);
  });

  bench('PUT /api/respond/:token/draft', async () => {
    years = (years + 1) % 60;
    const res = await request(env.app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 2, a2_years: years }, page: 1, revision });
    if (res.status !== 200) throw new Error(`draft save answered ${res.status}`);
    revision = res.body.revision;
  });
});
