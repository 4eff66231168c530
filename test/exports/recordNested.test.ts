import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRecords } from '../../server/exports/recordExport.js';
import { loadInstruments } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createRepos } from '../../server/repos.js';
import { nestedPanelAnswers } from '../factories/nestedPanels.js';
import { recordRows } from '../factories/records.js';
import { fakeClock } from '../support/app.js';
import { pandasCellText, readDtaWithPandas, readSavWithPspp, readWithR, records } from '../support/readBack.js';
import { tempDatabase } from '../support/tempDb.js';

/**
 * Records of an instrument with a repeating panel inside a repeating panel (defendants, each with
 * charges) and a second panel (victims): one table per level, each row keyed by the record's id,
 * the keys of the entries around it and its own stored key, so removing an entry (defendant 2,
 * charge 2) leaves the other keys as they were. Read back by GNU PSPP, pandas and R haven.
 */
const FIXTURE = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'nested', 'nested-panels.json');

/** The nested-panels fixture as a Phase II instrument: entered by staff, exported as records. */
function interviewerRegistry(dir: string) {
  const file = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { meta: { mode: string } };
  file.meta.mode = 'interviewer';
  mkdirSync(path.join(dir, 'instruments'));
  writeFileSync(path.join(dir, 'instruments', 'nested-panels.json'), JSON.stringify(file));
  return loadInstruments(path.join(dir, 'instruments'));
}

const FIRST = nestedPanelAnswers('Buyer');
const SECOND = {
  has_defs: 1,
  defs: [{ def_no: 2, d_role: 1, charges: [{ charge_no: 2, c_stat: 3, c_counts: 1, c_sentmo: 12 }] }],
  victims: [{ v_minor: 2 }],
};

async function nestedExport() {
  const { db, dir } = tempDatabase('fieldkit-records-nested');
  const rows = recordRows(db);
  const maria = rows.staff('maria@study.example.org', 'Maria de Lopez');
  const site = rows.site('San Diego');
  const base = { siteId: site, instrumentId: 'nested-panels', version: '1', interviewerId: maria };
  const first = rows.record({ ...base, status: 'final', answers: FIRST });
  const second = rows.record({ ...base, status: 'final', answers: SECOND });
  const out = path.join(dir, 'export');
  const manifest = await exportRecords(
    { repos: createRepos(db), instruments: interviewerRegistry(dir), clock: fakeClock() },
    {
      instrument: 'nested-panels',
      out,
      formats: ['csv', 'sav', 'dta', 'codebook'],
      includeDrafts: false,
      public: false,
      includeFreeText: false,
      actor: 'tester',
    },
  );
  const csv = (name: string) => {
    const [header = [], ...body] = records(readFileSync(path.join(out, `data_${name}.csv`), 'utf8'));
    return { header, body };
  };
  return { dir, out, manifest, csv, first, second };
}

describe('records with a panel inside a panel', () => {
  it('writes one table per level keyed record_id, def_no, charge_no, the parent keys in each child row', async () => {
    const { csv, first, second, manifest, out } = await nestedExport();
    const defs = csv('defs');
    expect(defs.header.slice(0, 2)).toEqual(['record_id', 'def_no']);
    expect(defs.body.map((r) => r.slice(0, 2).map(Number))).toEqual([
      [first, 1],
      [first, 3],
      [second, 2],
    ]);
    const charges = csv('charges');
    expect(charges.header.slice(0, 3)).toEqual(['record_id', 'def_no', 'charge_no']);
    const at = (name: string) => charges.header.indexOf(name);
    expect(charges.body.map((r) => [...r.slice(0, 3).map(Number), r[at('c_stat')], r[at('c_sentmo')]])).toEqual([
      [first, 1, 1, '1', '60'],
      // Federal: no state sentence asked.
      [first, 1, 3, '4', '-8'],
      // A buyer's charge: the sentence is asked of principals only.
      [first, 3, 1, '2', '-8'],
      [second, 2, 2, '3', '12'],
    ]);
    const victims = csv('victims');
    expect(victims.header.slice(0, 2)).toEqual(['record_id', 'victims_n']);
    expect(victims.body.map((r) => r.slice(0, 2).map(Number))).toEqual([
      [first, 1],
      [first, 2],
      [second, 1],
    ]);
    expect(manifest.tables.map((t) => [t.name, t.rows])).toEqual([
      ['data', 2],
      ['defs', 3],
      ['charges', 4],
      ['victims', 3],
      ['audit_trail', 0],
    ]);
    const codebook = JSON.parse(readFileSync(path.join(out, 'codebook.json'), 'utf8'));
    expect(codebook.tables.find((t: { name: string }) => t.name === 'charges')).toMatchObject({
      key: ['record_id', 'def_no', 'charge_no'],
      parent: 'defs',
    });
  });

  it('reads back the charges table with GNU PSPP, pandas and R haven: the same keys and values', async () => {
    const { csv, out, dir } = await nestedExport();
    const charges = csv('charges');
    const pspp = readSavWithPspp(path.join(out, 'data_charges.sav'), dir);
    expect(pspp.data[0]).toEqual(charges.header);
    expect(pspp.data.slice(1).map((r) => r.map(Number))).toEqual(charges.body.map((r) => r.map(Number)));
    const pandas = readDtaWithPandas(path.join(out, 'data_charges.dta'));
    expect(pandas.columns).toEqual(charges.header);
    expect(pandas.rows.map((r) => r.map((c) => Number(pandasCellText(c))))).toEqual(
      charges.body.map((r) => r.map(Number)),
    );
    const haven = readWithR('dta', path.join(out, 'data_charges.dta'), dir);
    expect(haven.columns).toEqual(charges.header);
    const codes: Record<string, string> = { '.n': '-9', '.s': '-8' };
    for (const [c, name] of charges.header.entries()) {
      const column = (haven.cells.get(name) ?? []).map((cell) => Number(codes[cell] ?? cell));
      expect(column, name).toEqual(charges.body.map((r) => Number(r[c])));
    }
  });
});
