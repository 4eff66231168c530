import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Codebook } from '../../server/codebook/build.js';
import { loadInstruments } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { exportInProcess } from '../factories/export.js';
import { nestedPanelAnswers } from '../factories/nestedPanels.js';
import { openEnv, postComplete, putDraft } from '../responses/setup.js';
import { seedFielding, tokenOf } from '../support/app.js';
import {
  pandasCellText,
  psppValueLabels,
  readDtaWithPandas,
  readSavWithPspp,
  readWithR,
  records,
} from '../support/readBack.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'nested');

/**
 * Two defendants (keys 1 and 3: the second entered was removed before completion), the first with
 * two charges (1 and 3, the second removed), the second a buyer with one charge; two victims in a
 * panel without a declared key. c_sentmo is shown only for a charge that is not federal of a
 * defendant who is a principal (`{parentPanel.d_role} = 1`).
 */
const ENTERED = {
  has_defs: 1,
  defs: [
    { def_no: 1, d_role: 1, charges: [{ charge_no: 1 }, { charge_no: 2 }, { charge_no: 3 }] },
    { def_no: 2, d_role: 1 },
    { def_no: 3 },
  ],
};
const ANSWERS = nestedPanelAnswers('Sex, “one hour” — $200');

async function exportedNested() {
  const env = openEnv({ instruments: loadInstruments(FIXTURES) });
  const [link] = seedFielding(env, { instrument: 'nested-panels' });
  const token = tokenOf(link as NonNullable<typeof link>);
  await putDraft(env.app, token, { answers: ENTERED, page: 0, revision: 0 }).expect(200);
  await postComplete(env.app, token, { answers: ANSWERS, revision: 1 }).expect(200);
  const out = path.join(env.dir, 'export');
  const manifest = await exportInProcess(env, {
    fielding: 'pilot',
    out,
    formats: ['csv', 'labels', 'sav', 'dta', 'r', 'xlsx', 'codebook'],
    includeFreeText: true,
  });
  const csv = (table: string) => {
    const [header = [], ...rows] = records(readFileSync(path.join(out, `data_${table}.csv`), 'utf8'));
    return { header, rows };
  };
  const caseId = (() => {
    const { header, rows } = (() => {
      const [h = [], ...r] = records(readFileSync(path.join(out, 'data.csv'), 'utf8'));
      return { header: h, rows: r };
    })();
    return rows[0]?.[header.indexOf('case_id')] as string;
  })();
  return { env, out, manifest, csv, caseId };
}

/** pandas' read_csv of a CSV file: its columns and rows as text. */
function readCsvWithPandas(file: string): { columns: string[]; rows: string[][] } {
  const script = [
    'import json, sys',
    'import pandas as pd',
    'frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)',
    'print(json.dumps({"columns": list(frame.columns), "rows": frame.values.tolist()}))',
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pandas could not read ${file}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as { columns: string[]; rows: string[][] };
}

describe('a repeating panel inside a repeating panel in every export format', () => {
  it('writes one table per level, keyed by the parent’s keys and the stable entry key, read back by PSPP, R haven and pandas', async () => {
    const { env, out, manifest, csv, caseId } = await exportedNested();
    expect(manifest.tables).toEqual([
      expect.objectContaining({ name: 'data', rows: 1 }),
      expect.objectContaining({ name: 'defs', rows: 2 }),
      expect.objectContaining({ name: 'charges', rows: 3 }),
      expect.objectContaining({ name: 'victims', rows: 2 }),
    ]);

    // data_<table>.csv: the keys first, the parent's key in each child row; the removed entries' keys stay gaps.
    const defs = csv('defs');
    expect(defs.header).toEqual(['case_id', 'def_no', 'd_role', 'd_note']);
    expect(defs.rows).toEqual([
      [caseId, '1', '1', '-8'],
      [caseId, '3', '2', 'Sex, “one hour” — $200'],
    ]);
    const charges = csv('charges');
    expect(charges.header).toEqual(['case_id', 'def_no', 'charge_no', 'c_stat', 'c_counts', 'c_sentmo']);
    // c_sentmo: -8 for the federal charge ({panel.c_stat}) and for the buyer's charge ({parentPanel.d_role}).
    expect(charges.rows).toEqual([
      [caseId, '1', '1', '1', '2', '60'],
      [caseId, '1', '3', '4', '1', '-8'],
      [caseId, '3', '1', '2', '3', '-8'],
    ]);
    const victims = csv('victims');
    expect(victims.header).toEqual(['case_id', 'victims_n', 'v_minor']);
    expect(victims.rows).toEqual([
      [caseId, '1', '1'],
      [caseId, '2', '-7'],
    ]);

    // pandas reads the CSV and the .dta of each level alike.
    for (const [table, expected] of [
      ['defs', defs],
      ['charges', charges],
      ['victims', victims],
    ] as const) {
      const dta = readDtaWithPandas(path.join(out, `data_${table}.dta`));
      expect(dta.columns).toEqual(expected.header);
      expect(dta.rows.map((row) => row.map((cell) => pandasCellText(cell).replace(/\.0$/, '')))).toEqual(expected.rows);
    }
    expect(readCsvWithPandas(path.join(out, 'data_charges.csv'))).toEqual({
      columns: charges.header,
      rows: charges.rows,
    });
    const chargesDta = readDtaWithPandas(path.join(out, 'data_charges.dta'));
    expect(chargesDta.valueLabels.c_stat).toMatchObject({ '1': 'State TIP, sex trafficking', '4': 'Federal statute' });

    // GNU PSPP reads each level's .sav: cases, keys and value labels.
    const pspp = readSavWithPspp(path.join(out, 'data_charges.sav'), env.dir);
    expect(pspp.data[0]).toEqual(charges.header);
    expect(pspp.data.slice(1).map((row) => row.map((cell) => String(Number(cell))))).toEqual(charges.rows);
    expect(psppValueLabels(pspp).filter((l) => l.name === 'c_stat' && !l.userMissing)).toEqual([
      { name: 'c_stat', code: 1, label: 'State TIP, sex trafficking', userMissing: false },
      { name: 'c_stat', code: 2, label: 'State TIP, labor trafficking', userMissing: false },
      { name: 'c_stat', code: 3, label: 'Other state statute', userMissing: false },
      { name: 'c_stat', code: 4, label: 'Federal statute', userMissing: false },
    ]);

    // R haven reads the .sav and the .dta: the keys, the parent's key, values and labels.
    const havenSav = readWithR('sav', path.join(out, 'data_charges.sav'), env.dir);
    expect(havenSav.columns).toEqual(charges.header);
    expect(havenSav.cells.get('def_no')).toEqual(['1', '1', '3']);
    expect(havenSav.cells.get('charge_no')).toEqual(['1', '3', '1']);
    expect(havenSav.cells.get('c_sentmo')).toEqual(['60', '-8', '-8']);
    expect(havenSav.valueLabels.get('c_stat')).toEqual(
      expect.arrayContaining([{ code: '2', label: 'State TIP, labor trafficking' }]),
    );
    const havenDta = readWithR('dta', path.join(out, 'data_defs.dta'), env.dir);
    expect(havenDta.cells.get('def_no')).toEqual(['1', '3']);
    expect(havenDta.cells.get('d_note')).toEqual(['-8', 'Sex, “one hour” — $200']);
    expect(havenDta.valueLabels.get('d_role')).toEqual(
      expect.arrayContaining([
        { code: '1', label: 'Principal trafficker' },
        { code: '2', label: 'Buyer' },
      ]),
    );

    // data.R reads every level and says how to merge a level on its parent's keys.
    const datar = readWithR('datar', path.join(out, 'data.R'), env.dir, 'data_charges');
    expect(datar.cells.get('c_stat')).toEqual([
      'State TIP, sex trafficking',
      'Federal statute',
      'State TIP, labor trafficking',
    ]);
    const script = readFileSync(path.join(out, 'data.R'), 'utf8');
    expect(script).toContain('merge(data_defs, data_charges, by = c("case_id", "def_no"), all.x = TRUE)');
    expect(script).toContain('key case_id + def_no + charge_no');

    // The codebook describes each table and its key; data_charges.xlsx has its sheet.
    const codebook = JSON.parse(readFileSync(path.join(out, 'codebook.json'), 'utf8')) as Codebook;
    expect(codebook.tables.find((t) => t.name === 'charges')).toMatchObject({
      key: ['case_id', 'def_no', 'charge_no'],
      parent: 'defs',
      path: ['defs', 'charges'],
      entryKey: 'charge_no',
      description:
        'One row per entry of "Charges against this defendant" inside an entry of "Defendants", keyed by case_id, def_no, charge_no; charge_no stays with its entry when others are removed or moved.',
    });
    const html = readFileSync(path.join(out, 'codebook.html'), 'utf8');
    expect(html).toContain('Key: case_id, def_no, charge_no.');
    expect(manifest.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['data_charges.xlsx', 'data_charges_labels.csv', 'data_victims.sav']),
    );

    // The public-use file leaves every repeating panel out, nested ones too, as it does the second tables.
    const publicUse = await exportInProcess(env, {
      fielding: 'pilot',
      out: path.join(env.dir, 'public'),
      formats: ['csv', 'sav', 'dta'],
      public: true,
    });
    expect(publicUse.tables.map((t) => t.name)).toEqual(['data']);
    expect(publicUse.files.map((f) => f.name).filter((name) => name.startsWith('data_'))).toEqual([]);
  }, 120_000);
});
