import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../server/exports/service.js';
import { parseCsv } from '../../server/platform/csv.js';
import { exportInProcess } from '../factories/export.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { SELF_CASE_FILE, withSelfCaseFile } from '../factories/instrument.js';
import { openEnv, postComplete } from '../responses/setup.js';
import { seedFielding, shippedInstruments, tokenOf } from '../support/app.js';
import { pandasCellText, readDtaWithPandas, readSavWithPspp, readWithR } from '../support/readBack.js';

const records = (file: string) => parseCsv(readFileSync(file, 'utf8')).records.map((r) => r.fields);

/**
 * A case file with two defendants: the first pleaded guilty, so the "other" text of the disposition
 * is hidden (-8) inside the panel; the second's case was resolved otherwise, described in that text.
 */
async function exportedCaseFile() {
  const env = openEnv({ instruments: withSelfCaseFile(shippedInstruments(), 'cs-case-file-abstraction@1.0.0') });
  const [link] = seedFielding(env, { instrument: SELF_CASE_FILE });
  const instrument = env.instruments.resolve(SELF_CASE_FILE);
  const { answers } = generateAnswers(instrument?.survey ?? {});
  const [first] = answers.cf_defs as Record<string, unknown>[];
  const { d_disp_oth: _drop, ...rest } = first as Record<string, unknown>;
  answers.cf_defs = [
    { ...rest, d_disp: 1 },
    { ...rest, d_disp: 5, d_disp_oth: 'Deferred adjudication, then dismissed' },
  ];
  answers.cf_ndef = 2;
  await postComplete(env.app, tokenOf(link as NonNullable<typeof link>), { answers, revision: 0 }).expect(200);
  const out = path.join(env.dir, 'export');
  const manifest = await exportInProcess(env, { fielding: 'pilot', out, formats: [...EXPORT_FORMATS] });
  return { env, out, manifest };
}

describe('a repeating panel exports in every format', () => {
  it('writes a hidden text inside a panel as its missing code, read back alike by PSPP, R haven, pandas and data.R', async () => {
    const { env, out, manifest } = await exportedCaseFile();
    expect(manifest.files.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'data_cf_defs.csv',
        'data_cf_defs_labels.csv',
        'data_cf_defs.sav',
        'data_cf_defs.dta',
        'data_cf_defs.xlsx',
        'data.R',
      ]),
    );
    const [header, ...rows] = records(path.join(out, 'data_cf_defs.csv'));
    const col = (name: string) => header?.indexOf(name) ?? -1;
    expect(rows.map((r) => r[col('d_disp_oth')])).toEqual(['-8', 'Deferred adjudication, then dismissed']);

    // SPSS (GNU PSPP): the text variable holds "-8" for the first defendant.
    const pspp = readSavWithPspp(path.join(out, 'data_cf_defs.sav'), env.dir);
    const [psppHeader, ...psppRows] = pspp.data;
    const at = psppHeader?.indexOf('d_disp_oth') ?? -1;
    expect(psppRows.map((r) => r[at]?.trim())).toEqual(['-8', 'Deferred adjudication, then dismissed']);

    // Stata: pandas and R haven read the same cells.
    const pandas = readDtaWithPandas(path.join(out, 'data_cf_defs.dta'));
    const p = pandas.columns.indexOf('d_disp_oth');
    expect(pandas.rows.map((r) => pandasCellText(r[p]))).toEqual(['-8', 'Deferred adjudication, then dismissed']);
    const haven = readWithR('dta', path.join(out, 'data_cf_defs.dta'), env.dir);
    expect(haven.cells.get('d_disp_oth')).toEqual(['-8', 'Deferred adjudication, then dismissed']);

    // data.R reads the panel table too, labels applied, the missing code an NA with its reason.
    const datar = readWithR('datar', path.join(out, 'data.R'), env.dir, 'data_cf_defs');
    expect(datar.cells.get('d_disp_oth')).toEqual([
      expect.stringMatching(/^NA:Legitimately skipped/i),
      'Deferred adjudication, then dismissed',
    ]);
    expect(datar.classes.get('d_disp')).toBe('factor');
    expect(datar.cells.get('d_disp')).toEqual(['Guilty plea', 'Other (please specify)']);
    expect(datar.labels.get('d_disp')).toMatch(/How was this defendant's case resolved/);
    const script = readFileSync(path.join(out, 'data.R'), 'utf8');
    expect(script).toContain('merge(data, data_cf_defs, by = "case_id"');
  }, 90_000);
});
