import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { SELF_CASE_FILE, withSelfCaseFile } from '../factories/instrument.js';
import { openEnv, postComplete } from '../responses/setup.js';
import { seedFielding, shippedInstruments, tokenOf } from '../support/app.js';

const records = (file: string) => parseCsv(readFileSync(file, 'utf8')).records.map((r) => r.fields);

describe('the second tables of an export', () => {
  it('puts the defendants of a case file in data_cf_defs.csv, one row per entry, keyed by the main table’s case_id', async () => {
    const env = openEnv({ instruments: withSelfCaseFile(shippedInstruments(), 'cs-case-file-abstraction@1.0.0') });
    const [link] = seedFielding(env, { instrument: SELF_CASE_FILE });
    const instrument = env.instruments.resolve(SELF_CASE_FILE);
    const { answers } = generateAnswers(instrument?.survey ?? {});
    const defendants = answers.cf_defs as Record<string, unknown>[];
    answers.cf_defs = [...defendants, { ...defendants[0] }];
    await postComplete(env.app, tokenOf(link as NonNullable<typeof link>), { answers, revision: 0 }).expect(200);

    const out = path.join(env.dir, 'export');
    const manifest = await exportInProcess(env, { fielding: 'pilot', out, formats: ['csv', 'labels'] });

    const [mainHeader, mainRow] = records(path.join(out, 'data.csv'));
    const [header, ...rows] = records(path.join(out, 'data_cf_defs.csv'));
    expect(header?.slice(0, 2)).toEqual(['case_id', 'cf_defs_n']);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      [mainRow?.[mainHeader?.indexOf('case_id') ?? -1], '1'],
      [mainRow?.[mainHeader?.indexOf('case_id') ?? -1], '2'],
    ]);
    expect(rows.every((r) => r.every((cell) => cell !== ''))).toBe(true);
    expect(manifest.tables).toEqual([
      expect.objectContaining({ name: 'data', rows: 1 }),
      expect.objectContaining({ name: 'cf_defs', rows: 2, columns: header?.length }),
    ]);
    expect(manifest.files.map((f) => f.name).sort()).toEqual([
      'data.csv',
      'data_cf_defs.csv',
      'data_cf_defs_labels.csv',
      'data_labels.csv',
    ]);
  });
});
