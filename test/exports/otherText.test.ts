import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createInstrumentRegistry, type Instrument, variableMapOf } from '../../server/instruments/registry.js';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { openEnv } from '../responses/setup.js';
import { seedFielding, tokenOf } from '../support/app.js';

/**
 * An imported SurveyJS survey (a variable map, as `instruments import` writes it) with an "Other"
 * choice on a question without a condition and on one shown only after a first answer.
 */
function otherSurvey(): Instrument {
  const base = madeUpInstrument('other-survey', [
    { name: 'p1', elements: [CONSENT_QUESTION] },
    {
      name: 'p2',
      elements: [
        {
          type: 'radiogroup',
          name: 'office_type',
          choices: [
            { value: 1, text: 'District' },
            { value: 2, text: 'County' },
          ],
          showOtherItem: true,
        },
        {
          type: 'checkbox',
          name: 'units',
          choices: [1, 2, 3],
          showOtherItem: true,
          visibleIf: '{office_type} = 1',
        },
      ],
    },
  ]);
  return { ...base, meta: { ...base.meta, variables: variableMapOf(base) } };
}

describe('the "other (specify)" text in data.csv', () => {
  it('is the number -8 when Other was not chosen, with or without a condition on the question; typed text is still neutralized', async () => {
    const env = openEnv({ instruments: createInstrumentRegistry([otherSurvey()]) });
    const rows = [1, 2].map((n) => ({
      office_id: `OFF-${n}`,
      office_name: `Office ${n}`,
      state: 'PA',
      jurisdiction: `County ${n}`,
      population: '50000',
      stratum: 'under 100,000',
      contact_name: `Contact ${n}`,
      contact_email: `contact${n}@office${n}.example.org`,
    }));
    const [district, other] = seedFielding(env, { name: 'wave1', instrument: 'other-survey', rows }).map(tokenOf) as [
      string,
      string,
    ];
    const app = request(env.app);
    await app
      .post(`/api/respond/${district}/complete`)
      .send({ answers: { consent: 1, office_type: 1, units: [1] }, revision: 0 })
      .expect(200);
    await app
      .post(`/api/respond/${other}/complete`)
      .send({ answers: { consent: 1, office_type: 'other', 'office_type-Comment': '=Tribal court' }, revision: 0 })
      .expect(200);

    const out = path.join(env.dir, 'export');
    await exportInProcess(env, { fielding: 'wave1', out, formats: ['csv', 'codebook'] });
    const [header, ...cells] = parseCsv(readFileSync(path.join(out, 'data.csv'), 'utf8')).records.map((r) => r.fields);
    const byOffice = Object.fromEntries(
      cells.map((r) => [r[1], Object.fromEntries((header ?? []).map((h, i) => [h, r[i]]))]),
    );
    expect(byOffice['OFF-1']).toMatchObject({ office_type: '1', office_type_oth: '-8', units_1: '1', units_oth: '-8' });
    expect(byOffice['OFF-2']).toMatchObject({ office_type_oth: "'=Tribal court", units_1: '-8', units_oth: '-8' });
    const codebook = JSON.parse(readFileSync(path.join(out, 'codebook.json'), 'utf8'));
    const oth = codebook.variables.find((v: { name: string }) => v.name === 'office_type_oth');
    expect(oth.missing.map((m: { code: number }) => m.code)).toEqual([-8, -9]);
  });
});
