import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteCleanup, type Workspace, workspace } from '../cli/workspace.js';
import { caseFileAnswers, caseFileV2Answers, recordRows } from '../factories/records.js';
import {
  pandasCellText,
  readDtaWithPandas,
  readSavWithPspp,
  readWithR,
  records,
  sameCell,
  utf8Prefix,
} from '../support/readBack.js';

/**
 * A Phase II records export read back by tools nobody here wrote, as a fielding's is: GNU PSPP for
 * the .sav files, pandas and R haven for the .dta files, each cell against the CSV of the same
 * table, for the records table (versions 2.0.0 and 1.0.0 together), the defendants panel (each row
 * with its record's id and stable defendant_no), the charges inside each defendant, the victims,
 * and the restricted audit trail, whose values can be whole interview notes: a 2,000-character
 * text of multi-byte UTF-8 and a 40,000-character one, kept whole in .dta (strL) and cut, with a
 * warning naming the record, only where SPSS's 32,767 bytes end.
 */
const SPSS_MAX_STRING_BYTES = 32_767;
const DATETIMES = new Set(['started_at', 'last_saved_at', 'finalized_at', 'changed_at']);
const TABLES = ['data', 'data_cf_victims', 'data_cf_defs', 'data_d_charges', 'data_audit_trail'] as const;

function textOf(chars: number, unit: string): string {
  return Array.from(unit.repeat(Math.ceil(chars / Array.from(unit).length)))
    .slice(0, chars)
    .join('');
}
const TWO_THOUSAND = `${textOf(1_000, 'Защита свидетелей; «naïveté» 東京 ✓ ')}\n${textOf(999, 'Victim-witness unit, Ĳssel ')}`;
const FORTY_THOUSAND = textOf(40_000, 'Ĳssel €€ 東京 é ');

describe('a records export read back by GNU PSPP, R haven and pandas', () => {
  const { cleanup, teardown } = suiteCleanup();
  let ws: Workspace;
  let dir = '';
  const csv = new Map<string, { header: string[]; rows: string[][] }>();
  let manifest: { warnings: string[] };
  let ids: { final: number; refused: number; other: number };
  /** The change whose old value is the 40,000-character text. */
  let changeOfCut = 0;

  beforeAll(async () => {
    ws = workspace({}, cleanup);
    const rows = recordRows(ws.database());
    const maria = rows.staff('maria@study.example.org', 'María de López');
    const lead = rows.staff('lead@study.example.org', 'Ann Lead', 'fieldwork');
    const site = rows.site('San Diego');
    const base = { siteId: site, instrumentId: 'cs-case-file-abstraction', interviewerId: maria };
    // Entered on 2.0.0: defendants 1 and 3 (2 removed), charges inside them, two victims.
    const final = rows.record({ ...base, version: '2.0.0', status: 'final', answers: caseFileV2Answers('SD-0001') });
    const refused = rows.record({
      ...base,
      status: 'refused',
      answers: caseFileAnswers('SD-0002', { h_authorized: 2 }),
    });
    // Entered on 1.0.0, before charges and victims were asked: its defendants keyed by position.
    const other = rows.record({
      ...base,
      status: 'final',
      updatedBy: lead,
      answers: caseFileAnswers('SD-0003', {
        cf_ident: 7,
        cf_ident_oth: 'Tip from a hotel clerk',
        cf_defs: [
          { d_role: 1, d_disp: 2, d_convtip: 2, d_days: 200, d_sentmo: 30, d_restit: -7 },
          { d_role: 4, d_disp: 5, d_disp_oth: 'Died before trial', d_days: 10 },
          { d_role: 2, d_disp: 4 },
        ],
        cf_ndef: 3,
      }),
    });
    ids = { final, refused, other };
    rows.change({ recordId: final, revision: 1, variable: 'cf_code', new: 'SD-0001', staffId: maria });
    rows.change({ recordId: final, revision: 2, variable: 'cf_ident_oth', new: TWO_THOUSAND, staffId: maria });
    changeOfCut = rows.change({
      recordId: other,
      revision: 4,
      variable: 'cf_ident_oth',
      old: FORTY_THOUSAND,
      new: 'Tip from a hotel clerk',
      staffId: lead,
      reason: 'Shortened: the note belongs in the interview',
    });
    rows.change({ recordId: other, revision: 4, variable: 'cf_defs[1].d_sentmo', old: 36, new: 30, staffId: lead });
    const run = await ws.run(
      'export',
      '--instrument',
      'cs-case-file-abstraction',
      '--out',
      'export',
      '--formats',
      'csv,sav,dta',
    );
    expect(run, run.err).toMatchObject({ code: 0 });
    dir = ws.file('export');
    for (const name of TABLES) {
      const [header = [], ...body] = records(readFileSync(path.join(dir, `${name}.csv`), 'utf8'));
      csv.set(name, { header, rows: body });
    }
    manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  }, 120_000);
  afterAll(() => teardown());

  const table = (name: (typeof TABLES)[number]) => csv.get(name) as { header: string[]; rows: string[][] };
  /** Every cell read back equals the CSV's (a .sav holds a text to its first 32,767 bytes). */
  function expectSame(name: (typeof TABLES)[number], read: (row: number, column: string) => string, sav: boolean) {
    const { header, rows } = table(name);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const column = header[c] ?? '';
        const want = sav ? utf8Prefix(cell, SPSS_MAX_STRING_BYTES) : cell;
        const got = read(r, column);
        expect(sameCell(got, want, DATETIMES.has(column)), `${name}.${column} row ${r + 1}: ${got.slice(0, 40)}`).toBe(
          true,
        );
      });
    });
  }

  it('holds one row per record, the defendants with their record_id, and every change with its reason', () => {
    expect(table('data').rows.map((r) => Number(r[0]))).toEqual([ids.final, ids.refused, ids.other]);
    const defs = table('data_cf_defs');
    expect(defs.header.slice(0, 2)).toEqual(['record_id', 'defendant_no']);
    expect(defs.rows.map((r) => [Number(r[0]), Number(r[1])])).toEqual([
      [ids.final, 1],
      [ids.final, 3],
      [ids.other, 1],
      [ids.other, 2],
      [ids.other, 3],
    ]);
    const charges = table('data_d_charges');
    expect(charges.header.slice(0, 3)).toEqual(['record_id', 'defendant_no', 'charge_no']);
    expect(charges.rows.map((r) => r.slice(0, 3).map(Number))).toEqual([
      [ids.final, 1, 1],
      [ids.final, 1, 2],
      [ids.final, 3, 1],
    ]);
    const victims = table('data_cf_victims');
    expect(victims.header.slice(0, 2)).toEqual(['record_id', 'victim_no']);
    expect(victims.rows.map((r) => r.slice(0, 2).map(Number))).toEqual([
      [ids.final, 1],
      [ids.final, 2],
    ]);
    const trail = table('data_audit_trail');
    const at = (column: string) => trail.header.indexOf(column);
    expect(trail.rows.map((r) => r[at('new_value')])).toEqual([
      'SD-0001',
      TWO_THOUSAND,
      'Tip from a hotel clerk',
      '30',
    ]);
    expect(trail.rows[2]?.[at('old_value')]).toBe(FORTY_THOUSAND);
    expect(trail.rows[2]?.[at('reason')]).toBe('Shortened: the note belongs in the interview');
    expect(trail.rows.map((r) => r[at('changed_by')])).toEqual(['MDL', 'MDL', 'AL', 'AL']);
  });

  for (const name of TABLES) {
    it(`GNU PSPP reads ${name}.sav: every cell equals ${name}.csv`, { timeout: 60_000 }, () => {
      const report = readSavWithPspp(path.join(dir, `${name}.sav`), ws.dir);
      const [header, ...rows] = report.data;
      expect(header).toEqual(table(name).header);
      expect(rows).toHaveLength(table(name).rows.length);
      expectSame(name, (r, column) => rows[r]?.[header?.indexOf(column) ?? -1] ?? '<absent>', true);
    });

    it(`pandas reads ${name}.dta: every cell equals ${name}.csv, long texts whole`, { timeout: 60_000 }, () => {
      const read = readDtaWithPandas(path.join(dir, `${name}.dta`));
      expect(read.columns).toEqual(table(name).header);
      expectSame(name, (r, column) => pandasCellText(read.rows[r]?.[read.columns.indexOf(column)]), false);
    });
  }

  it('R haven reads data_audit_trail.dta, data_cf_defs.dta and data_d_charges.dta: every cell equals the CSV', {
    timeout: 90_000,
  }, () => {
    const missing: Record<string, string> = { '.n': '-9', '.s': '-8', '.d': '-7', '.r': '-6' };
    for (const name of ['data_audit_trail', 'data_cf_defs', 'data_d_charges'] as const) {
      const read = readWithR('dta', path.join(dir, `${name}.dta`), ws.dir);
      expect(read.columns).toEqual(table(name).header);
      expectSame(
        name,
        (r, column) => {
          const got = read.cells.get(column)?.[r] ?? '<absent>';
          return missing[got] ?? (got === 'NA' ? '' : got);
        },
        false,
      );
    }
  });

  it('warns in the manifest of the one cut, naming data_audit_trail.sav, the variable, the record and the change', () => {
    const bytes = (text: string) => Buffer.byteLength(text).toLocaleString('en-US');
    expect(manifest.warnings).toEqual([
      `data_audit_trail.sav: old_value of record ${ids.other}, change_id ${changeOfCut} has ${bytes(FORTY_THOUSAND)} bytes of text; an SPSS string holds at most 32,767, so data_audit_trail.sav keeps its first ${bytes(utf8Prefix(FORTY_THOUSAND, SPSS_MAX_STRING_BYTES))} bytes, cut between characters.`,
    ]);
  });
});
