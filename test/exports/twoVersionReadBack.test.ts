import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';
import { suiteCleanup, type Workspace } from '../cli/workspace.js';
import {
  DATETIME_COLUMNS,
  pandasCellText,
  psppMissingCodes,
  psppValueLabels,
  readDtaWithPandas,
  readSavWithPspp,
  readWithR,
  records,
  STATA_MISSING,
  sameCell,
  stataMissingLabelKey,
  utf8Prefix,
} from '../support/readBack.js';
import { ADDED, DROPPED, INSTRUMENT, twoVersionFielding } from './twoVersions.js';

/**
 * The proof of issue 8 item 7 (exports.md "Proof"): the export of a fielding with completes,
 * partials, a refusal, two instrument versions and every Phase I question type, read back by tools
 * nobody here wrote — GNU PSPP and R haven for data.sav, R haven and pandas for data.dta, R for
 * data.R, Python's csv module for the CSVs — must give, cell by cell, the values of data.csv, and
 * for every variable of codebook.json its label, its value labels and its missing codes.
 */

type CodeLabel = { code: number; label: string };
type CodebookVariable = {
  name: string;
  label: string;
  /** The label .dta files carry: at most 80 characters, unique in the table. */
  shortLabel: string;
  question: string;
  type: string;
  measure: string;
  values: CodeLabel[];
  missing: CodeLabel[];
  versions: string[];
};

// The formats' own limits (the writers cut to them): SPSS variable labels 255 bytes and value
// labels 120 bytes; Stata variable labels 80 characters.
const SAV_LABEL_BYTES = 255;
const SAV_VALUE_LABEL_BYTES = 120;
const DTA_LABEL_CHARS = 80;
const STATA_KIND = new Map(Object.entries(STATA_MISSING).map(([kind, code]) => [code, kind]));

const isText = (v: CodebookVariable) => v.type === 'text' || v.type === 'date';
const byCode = <T extends { code: number }>(list: T[]) => [...list].sort((a, b) => a.code - b.code);
/** The CSV's guard against formula injection is a leading quote, not part of the text. */
const unguarded = (cell: string) => cell.replace(/^'(?=[-=+@\t\r])/, '');

describe('a two-version export read back, cell by cell, by tools nobody here wrote', () => {
  let ws: Workspace;
  let dir = '';
  let header: string[] = [];
  let rows: string[][] = [];
  let labelRows: string[][] = [];
  let codebook: CodebookVariable[] = [];
  /** The missing labels of each column the export adds (codebook.json `exportColumns`). */
  let addedMissing = new Map<string, Set<string>>();

  beforeAll(async () => {
    const { cleanup, teardown } = suiteCleanup();
    ({ ws } = await twoVersionFielding(cleanup));
    const result = await ws.run(
      'export',
      '--fielding',
      'pilot',
      '--out',
      'export',
      '--formats',
      'csv,labels,sav,dta,r,codebook',
    );
    expect(result, result.err).toMatchObject({ code: 0, err: '' });
    dir = ws.file('export');
    [header = [], ...rows] = records(readFileSync(path.join(dir, 'data.csv'), 'utf8'));
    labelRows = records(readFileSync(path.join(dir, 'data_labels.csv'), 'utf8')).slice(1);
    const json = JSON.parse(readFileSync(path.join(dir, 'codebook.json'), 'utf8')) as {
      variables: CodebookVariable[];
      exportColumns: { name: string; missing: { code: number; label: string }[] }[];
    };
    codebook = json.variables;
    addedMissing = new Map(json.exportColumns.map((c) => [c.name, new Set(c.missing.map((m) => m.label))]));
    return teardown;
  });

  /** Each codebook variable with its column in data.csv. */
  const columns = () =>
    codebook.map((v) => {
      const at = header.indexOf(v.name);
      if (at < 0) throw new Error(`${v.name} is in codebook.json but not in data.csv`);
      return { v, at };
    });
  const isCodebookColumn = (name: string) => codebook.some((v) => v.name === name);
  const missingOf = (v: CodebookVariable, cell: string) => v.missing.find((m) => String(m.code) === cell);

  it('covers what the proof needs: both versions, every missing code, the version-only questions answered and -8', () => {
    expect(rows).toHaveLength(4);
    expect(new Set(codebook.flatMap((v) => v.versions))).toEqual(new Set(['1.0.0', '2.0.0']));
    const cells = columns().flatMap(({ at }) => rows.map((r) => r[at]));
    for (const code of ['-9', '-8', '-7', '-6']) expect(cells, code).toContain(code);
    const added = columns().find(({ v }) => v.name === ADDED)?.at ?? -1;
    expect(rows.map((r) => r[added]).sort()).toEqual(['-6', '-7', '-8', '-8']);
    const dropped = columns().find(({ v }) => v.name === `${DROPPED}_1`)?.at ?? -1;
    expect(rows.map((r) => r[dropped]).sort()).toEqual(['-8', '-8', '-9', '1']);
    // Every kind of variable Phase I makes: choices, dummies, counts and texts (with line breaks and a formula).
    expect(new Set(codebook.map((v) => v.type))).toEqual(new Set(['single', 'dummy', 'integer', 'text']));
    // Every SurveyJS question type of the instrument answered (a value other than -9/-8) in some case.
    const survey = JSON.parse(readFileSync(path.join(projectRoot, 'instruments', `${INSTRUMENT}.json`), 'utf8')) as {
      survey: { pages: { elements: { type: string; name: string }[] }[] };
    };
    const typeOf = new Map(survey.survey.pages.flatMap((p) => p.elements).map((e) => [e.name, e.type]));
    const answered = new Set(
      columns()
        .filter(({ at }) => rows.some((r) => r[at] !== '-9' && r[at] !== '-8'))
        .map(({ v }) => typeOf.get(v.question)),
    );
    expect([...new Set(typeOf.values())].filter((t) => !answered.has(t))).toEqual([]);
    expect(cells.some((c) => c?.includes('\n'))).toBe(true);
    expect(cells.some((c) => c?.startsWith("'="))).toBe(true);
  });

  it('Python’s csv module reads data.csv and data_labels.csv as the records every other check compares with', () => {
    for (const [file, expected] of [
      ['data.csv', [header, ...rows]],
      ['data_labels.csv', [header, ...labelRows]],
    ] as const) {
      const run = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import csv, json, sys\nprint(json.dumps(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))))',
          path.join(dir, file),
        ],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout), file).toEqual(expected);
    }
  });

  it('data_labels.csv holds each code’s label from the codebook: value labels, and the missing codes’ reasons', () => {
    for (const { v, at } of columns()) {
      rows.forEach((row, r) => {
        const cell = row[at] ?? '';
        // A count's missing code is blank there, so the column stays numbers.
        const count = v.values.length === 0 && !isText(v);
        const expected = missingOf(v, cell)
          ? count
            ? ''
            : missingOf(v, cell)?.label
          : (v.values.find((c) => String(c.code) === cell)?.label ?? unguarded(cell));
        expect(unguarded(labelRows[r]?.[at] ?? ''), `${v.name} row ${r + 1}`).toBe(expected);
      });
    }
  });

  describe('GNU PSPP reads data.sav', () => {
    it('every cell equals data.csv', () => {
      const [psppHeader, ...cases] = readSavWithPspp(path.join(dir, 'data.sav'), ws.dir).data;

      expect(psppHeader).toEqual(header);
      expect(cases).toHaveLength(rows.length);
      rows.forEach((row, r) => {
        row.forEach((cell, c) => {
          expect(
            sameCell(cases[r]?.[c], cell, DATETIME_COLUMNS.has(header[c] ?? '')),
            `${header[c]} row ${r + 1}: ${cases[r]?.[c]} vs ${cell}`,
          ).toBe(true);
        });
      });
    });

    it('every variable’s label, measurement level, value labels and user-missing codes equal the codebook', () => {
      const report = readSavWithPspp(path.join(dir, 'data.sav'), ws.dir);
      expect(report.log).not.toMatch(/warning|error/i);
      const variables = new Map(
        (report.tables.get('Variables')?.rows ?? []).map(([name = '', , label, measure, , , , , , missing = '']) => [
          name,
          { label, measure, missing },
        ]),
      );
      const valueLabels = psppValueLabels(report);
      expect([...variables.keys()]).toEqual(header);

      for (const { v } of columns()) {
        const read = variables.get(v.name);
        expect(read?.label, v.name).toBe(utf8Prefix(v.label, SAV_LABEL_BYTES));
        expect(read?.measure?.toLowerCase(), v.name).toBe(v.measure);
        // A text variable holds its missing code as the text "-9": the .sav writer declares missing
        // values and value labels for numeric variables only (long strings would need record 7.22).
        if (isText(v)) continue;
        expect(psppMissingCodes(read?.missing ?? '').sort(), v.name).toEqual(v.missing.map((m) => m.code).sort());
        expect(byCode(valueLabels.filter((l) => l.name === v.name)), v.name).toEqual(
          byCode([
            ...v.values.map((c) => ({ ...c, userMissing: false })),
            ...v.missing.map((m) => ({ ...m, userMissing: true })),
          ]).map((l) => ({ name: v.name, ...l, label: utf8Prefix(l.label, SAV_VALUE_LABEL_BYTES) })),
        );
      }
    });
  });

  describe('R haven reads data.sav (read_sav, user_na = TRUE)', () => {
    it('every cell equals data.csv, the missing codes kept as values', { timeout: 60_000 }, () => {
      const read = readWithR('sav', path.join(dir, 'data.sav'), ws.dir);

      expect(read.columns).toEqual(header);
      header.forEach((name, c) => {
        rows.forEach((row, r) => {
          const got = read.cells.get(name)?.[r];
          expect(sameCell(got, row[c], DATETIME_COLUMNS.has(name)), `${name} row ${r + 1}: ${got} vs ${row[c]}`).toBe(
            true,
          );
        });
      });
    });

    it('every variable’s label, labels and na_values equal the codebook', { timeout: 60_000 }, () => {
      const read = readWithR('sav', path.join(dir, 'data.sav'), ws.dir);

      for (const { v } of columns()) {
        expect(read.labels.get(v.name), v.name).toBe(utf8Prefix(v.label, SAV_LABEL_BYTES));
        if (isText(v)) {
          // A text variable wider than 8 bytes: its missing codes' labels, but no na_values (savDictionary.ts).
          expect(read.classes.get(v.name), v.name).toBe('haven_labelled vctrs_vctr character');
          expect(
            byCode((read.valueLabels.get(v.name) ?? []).map((l) => ({ code: Number(l.code), label: l.label }))),
            v.name,
          ).toEqual(byCode(v.missing).map((l) => ({ ...l, label: utf8Prefix(l.label, SAV_VALUE_LABEL_BYTES) })));
          continue;
        }
        expect(read.classes.get(v.name), v.name).toMatch(/^haven_labelled_spss /);
        expect(
          byCode((read.valueLabels.get(v.name) ?? []).map((l) => ({ code: Number(l.code), label: l.label }))),
          v.name,
        ).toEqual(
          byCode([...v.values, ...v.missing]).map((l) => ({ ...l, label: utf8Prefix(l.label, SAV_VALUE_LABEL_BYTES) })),
        );
        expect([...(read.naValues.get(v.name) ?? [])].sort(), v.name).toEqual(v.missing.map((m) => m.code).sort());
      }
    });
  });

  describe('R haven reads data.dta (read_dta)', () => {
    it('every cell equals data.csv, a declared missing code as its tagged NA .n .s .d .r', { timeout: 60_000 }, () => {
      const read = readWithR('dta', path.join(dir, 'data.dta'), ws.dir);

      expect(read.columns).toEqual(header);
      header.forEach((name, c) => {
        const v = codebook.find((x) => x.name === name);
        rows.forEach((row, r) => {
          const cell = row[c] ?? '';
          const got = read.cells.get(name)?.[r] ?? '<absent>';
          const where = `${name} row ${r + 1}`;
          if (v && !isText(v) && missingOf(v, cell)) expect(got, where).toBe(STATA_KIND.get(Number(cell)));
          else if (v) expect(sameCell(got, cell, DATETIME_COLUMNS.has(name)), `${where}: ${got} vs ${cell}`).toBe(true);
          else expect(sameCell(String(STATA_MISSING[got] ?? got), cell), `${where}: ${got} vs ${cell}`).toBe(true);
        });
      });
    });

    it('every variable’s label (Stata’s 80 characters) and labels, the missing codes’ on their tagged NA, equal the codebook', {
      timeout: 60_000,
    }, () => {
      const read = readWithR('dta', path.join(dir, 'data.dta'), ws.dir);

      for (const { v } of columns()) {
        // Stata's label is the variable's short label (at most 80 characters), given in codebook.json.
        expect(Array.from(v.shortLabel).length, v.name).toBeLessThanOrEqual(DTA_LABEL_CHARS);
        expect(read.labels.get(v.name), v.name).toBe(v.shortLabel);
        if (isText(v)) continue;
        // A count has no value labels in Stata, so it reads as a number; its missing codes stay .n .s .d .r.
        if (v.values.length === 0) {
          expect(read.valueLabels.get(v.name) ?? [], v.name).toEqual([]);
          continue;
        }
        const labels = (read.valueLabels.get(v.name) ?? []).map((l) => ({
          code: STATA_MISSING[l.code] ?? Number(l.code),
          tagged: l.code.startsWith('.'),
          label: l.label,
        }));
        expect(byCode(labels), v.name).toEqual(
          byCode([
            ...v.values.map((c) => ({ ...c, tagged: false })),
            ...v.missing.map((m) => ({ ...m, tagged: true })),
          ]).map(({ code, tagged, label }) => ({ code, tagged, label })),
        );
      }
    });
  });

  describe('pandas reads data.dta (read_stata)', () => {
    it('every cell equals data.csv, a declared missing code as .n .s .d .r', () => {
      const read = readDtaWithPandas(path.join(dir, 'data.dta'));

      expect(read.columns).toEqual(header);
      expect(read.rows).toHaveLength(rows.length);
      header.forEach((name, c) => {
        const v = codebook.find((x) => x.name === name);
        rows.forEach((row, r) => {
          const cell = row[c] ?? '';
          const got = read.rows[r]?.[c];
          const where = `${name} row ${r + 1}`;
          if (v && !isText(v) && missingOf(v, cell))
            expect(got, where).toEqual({ missing: STATA_KIND.get(Number(cell)) });
          else
            expect(
              sameCell(pandasCellText(got), cell, DATETIME_COLUMNS.has(name)),
              `${where}: ${JSON.stringify(got)} vs ${cell}`,
            ).toBe(true);
        });
      });
    });

    it('every variable’s label and value labels, the missing codes’ included, equal the codebook', () => {
      const read = readDtaWithPandas(path.join(dir, 'data.dta'));

      for (const { v } of columns()) {
        expect(read.variableLabels[v.name], v.name).toBe(v.shortLabel);
        if (isText(v) || v.values.length === 0) {
          expect(read.valueLabels[v.name], v.name).toBeUndefined();
          continue;
        }
        expect(read.valueLabels[v.name], v.name).toEqual(
          Object.fromEntries([
            ...v.values.map((c) => [String(c.code), c.label]),
            ...v.missing.map((m) => [String(stataMissingLabelKey(STATA_KIND.get(m.code) ?? '')), m.label]),
          ]),
        );
      }
    });
  });

  describe('R runs data.R', () => {
    it('as `Rscript data.R` from another folder', { timeout: 60_000 }, () => {
      const elsewhere = ws.file('elsewhere');
      mkdirSync(elsewhere, { recursive: true });
      const run = spawnSync('/usr/bin/Rscript', [path.join(dir, 'data.R')], { cwd: elsewhere, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    });

    it('gives factors with the codebook’s levels, NA with the reason where the missing codes are, the question as label', {
      timeout: 60_000,
    }, () => {
      const read = readWithR('datar', path.join(dir, 'data.R'), ws.dir);

      expect(read.columns).toEqual(header);
      for (const { v, at } of columns()) {
        expect(read.labels.get(v.name), v.name).toBe(v.label);
        const coded = v.values.length > 0;
        expect(read.classes.get(v.name), v.name).toBe(coded ? 'factor' : isText(v) ? 'character' : 'numeric');
        if (coded) expect(read.levels.get(v.name), v.name).toEqual(v.values.map((c) => c.label));
        rows.forEach((row, r) => {
          const cell = row[at] ?? '';
          const got = read.cells.get(v.name)?.[r];
          const where = `${v.name} row ${r + 1}`;
          const missing = missingOf(v, cell);
          if (missing) expect(got, where).toBe(`NA:${missing.label}`);
          else if (coded) expect(got, where).toBe(v.values.find((c) => String(c.code) === cell)?.label);
          else if (isText(v)) expect(got, where).toBe(unguarded(cell));
          else expect(Number(got), where).toBe(Number(cell));
        });
      }
      // The columns the export adds, as data_labels.csv shows them, their missing codes as NA.
      header.forEach((name, c) => {
        if (isCodebookColumn(name)) return;
        expect(addedMissing.has(name), `${name} is in codebook.json's exportColumns`).toBe(true);
        labelRows.forEach((row, r) => {
          const cell = row[c] ?? '';
          const got = read.cells.get(name)?.[r];
          // A count's missing code is blank in data_labels.csv; data.R keeps its reason.
          if (cell === '') {
            expect(got, `${name} row ${r + 1}`).toMatch(/^NA:/);
            return;
          }
          const expected = addedMissing.get(name)?.has(cell) ? `NA:${cell}` : cell;
          expect(
            sameCell(got, expected, DATETIME_COLUMNS.has(name)),
            `${name} row ${r + 1}: ${got} vs ${expected}`,
          ).toBe(true);
        });
      });
    });
  });
});
