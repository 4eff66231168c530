import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { unionCodebook } from '../../server/codebook/union.js';
import { exportVariable } from '../../server/exports/dataset.js';
import { entryTables, unionTables } from '../../server/exports/entryTables.js';
import type { ExportTable } from '../../server/exports/table.js';
import type { Instrument } from '../../server/instruments/registry.js';
import type { InstrumentMeta } from '../../server/instruments/schema.js';
import { projectRoot } from '../../server/platform/paths.js';

/** When the answers were saved, on the tests' fake clock. */
const SAVED_AT = new Date('2027-02-01T09:00:00.000Z');

const fixture = JSON.parse(
  readFileSync(path.join(projectRoot, 'test', 'fixtures', 'instruments', 'nested', 'nested-panels.json'), 'utf8'),
) as { meta: InstrumentMeta; survey: Record<string, unknown> };

const version = (v: string, meta: Partial<InstrumentMeta> = {}): Instrument => ({
  key: `nested-panels@${v}`,
  meta: { ...fixture.meta, prefill: {}, version: v, ...meta },
  survey: fixture.survey,
  contentHash: v,
  file: `nested-panels-${v}.json`,
});
const rowsOf = (table: ExportTable | undefined) => [...(table?.rows() ?? [])];
const names = (table: ExportTable | undefined) => table?.variables.map((v) => v.name);

describe('the tables of nested repeating panels', () => {
  it('are keyed by the main key the caller names (record_id for Phase II records) and fill a key an entry lacks', () => {
    const instrument = version('1');
    const codebook = buildCodebook(instrument, { mainKey: 'record_id' });
    expect(codebook.tables.map((t) => [t.name, t.key])).toEqual([
      ['main', ['record_id']],
      ['defs', ['record_id', 'def_no']],
      ['charges', ['record_id', 'def_no', 'charge_no']],
      ['victims', ['record_id', 'victims_n']],
    ]);
    const answers = {
      has_defs: 1,
      // The second defendant was saved without a key (an old draft): it gets the next one, 5.
      defs: [
        { def_no: 4, d_role: 1, charges: [{ c_stat: 2 }] },
        { d_role: 1, charges: [{ charge_no: 2, c_stat: 1 }] },
      ],
    };
    const tables = entryTables(instrument, codebook, exportVariable, () => [
      { caseId: 17, answers, savedAt: SAVED_AT },
    ]);
    const charges = tables.find((t) => t.name === 'charges');
    expect(names(charges)?.slice(0, 3)).toEqual(['record_id', 'def_no', 'charge_no']);
    expect(charges?.variables[0]?.label).toBe('record_id (as in the main table)');
    expect(rowsOf(charges).map((r) => r.slice(0, 4))).toEqual([
      [17, 4, 1, 2],
      [17, 5, 2, 1],
    ]);
  });

  it('read the condition of the panel around an entry in that panel’s entry: hidden there, every cell is -8', () => {
    const survey = structuredClone(fixture.survey) as {
      pages: { elements: { name: string; templateElements?: Record<string, unknown>[] }[] }[];
    };
    const charges = survey.pages[0]?.elements[1]?.templateElements?.find((e) => e.name === 'charges');
    if (charges) charges.visibleIf = '{panel.d_role} = 1';
    const instrument = { ...version('1'), survey };
    const codebook = buildCodebook(instrument);
    expect(codebook.variables.find((v) => v.name === 'c_counts')?.conditions).toEqual([
      '{has_defs} = 1',
      '{parentPanel.d_role} = 1',
    ]);
    const answers = {
      has_defs: 1,
      defs: [
        { def_no: 1, d_role: 1, charges: [{ charge_no: 1, c_stat: 4, c_counts: 2 }] },
        { def_no: 2, d_role: 2, charges: [{ charge_no: 1, c_stat: 1, c_counts: 5 }] },
      ],
    };
    const tables = entryTables(instrument, codebook, exportVariable, () => [{ caseId: 3, answers, savedAt: SAVED_AT }]);
    expect(rowsOf(tables.find((t) => t.name === 'charges'))).toEqual([
      [3, 1, 1, 4, 2, -8],
      [3, 2, 1, -8, -8, -8],
    ]);
  });

  it('join versions that numbered a panel by position and keyed it, the keys by position, the rest by name', () => {
    const numbered = version('1', { panelKeys: undefined });
    const keyed = version('2');
    const codebooks = [buildCodebook(keyed), buildCodebook(numbered)];
    const union = unionCodebook(codebooks);
    const perVersion = [
      entryTables(keyed, codebooks[0] as (typeof codebooks)[0], exportVariable, () => [
        {
          caseId: 1,
          answers: { has_defs: 1, defs: [{ def_no: 3, charges: [{ charge_no: 2, c_stat: 4 }] }] },
          savedAt: SAVED_AT,
        },
      ]),
      entryTables(numbered, codebooks[1] as (typeof codebooks)[1], exportVariable, () => [
        {
          caseId: 2,
          answers: { has_defs: 1, defs: [{ def_no: 9, charges: [{ charge_no: 9, c_stat: 3 }] }] },
          savedAt: SAVED_AT,
        },
      ]),
    ];
    const joined = unionTables(union, exportVariable, perVersion);
    const charges = joined.find((t) => t.name === 'charges');
    expect(charges?.key).toEqual(['case_id', 'def_no', 'charge_no']);
    expect(names(charges)).toEqual(['case_id', 'def_no', 'charge_no', 'c_stat', 'c_counts', 'c_sentmo']);
    // Version 1 numbered its entries (1, 1), whatever def_no and charge_no they held as answers.
    expect(rowsOf(charges).map((r) => r.slice(0, 4))).toEqual([
      [1, 3, 2, 4],
      [2, 1, 1, 3],
    ]);
  });
});
