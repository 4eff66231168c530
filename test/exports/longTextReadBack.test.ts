import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savCutWarning } from '../../server/exports/service.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createPilot, suiteCleanup, tokenOfLink, type Workspace, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { exportTable, numericVariable, stringVariable } from '../factories/exportTable.js';
import {
  DATETIME_COLUMNS,
  pandasCellText,
  psppValueLabels,
  readDtaWithPandas,
  readSavWithPspp,
  readWithR,
  records,
  sameCell,
  utf8Prefix,
} from '../support/readBack.js';

/**
 * Long open answers through a real export (spec: exports.md "Strings are never cut"): a 2,000-character
 * answer of multi-byte UTF-8 and a 40,000-character one, read back by GNU PSPP and R haven (.sav) and
 * by R haven and pandas (.dta), cell by cell against data.csv. SPSS strings hold at most 32,767 bytes,
 * so the 40,000-character answer is the one cut a .sav cannot avoid, and the manifest must say so.
 */
const INSTRUMENT = 'tip-prosecutor-survey';
const QUESTION = 'f3_practice';
const SPSS_MAX_STRING_BYTES = 32_767;

/** Characters of one to three bytes, so the 255-byte pieces of an SPSS very long string split some of them. */
function answerOf(chars: number, unit: string): string {
  const text = Array.from(unit.repeat(Math.ceil(chars / Array.from(unit).length)))
    .slice(0, chars)
    .join('');
  return `${text.slice(0, -1)}.`;
}
const TWO_THOUSAND = answerOf(2_000, '被害者支援と証人保護の東京地方検察庁 — Защита свидетелей; «naïveté» ✓ ').replace(
  /^(.{700}) /su,
  '$1\n',
);
const FORTY_THOUSAND = answerOf(40_000, 'Ĳssel €€ 東京 é ');

type Element = { name?: string; maxLength?: number; elements?: Element[] };

/** The Phase I survey with the practice question open to 40,000 characters (the shipped file says 2,000). */
function longAnswerWorkspace(cleanup: Parameters<typeof workspace>[1]): Workspace {
  const ws = workspace({ INSTRUMENTS_DIR: 'instruments' }, cleanup);
  mkdirSync(ws.file('instruments'));
  const file = JSON.parse(readFileSync(`${projectRoot}/instruments/${INSTRUMENT}.json`, 'utf8')) as {
    survey: { pages: Element[] };
  };
  const find = (elements: Element[]): Element | undefined =>
    elements.map((e) => (e.name === QUESTION ? e : find(e.elements ?? []))).find(Boolean);
  const question = find(file.survey.pages);
  if (!question) throw new Error(`${QUESTION} is not in ${INSTRUMENT} any more; pick another open question`);
  question.maxLength = 40_000;
  writeFileSync(ws.file(`instruments/${INSTRUMENT}.json`), JSON.stringify(file));
  return ws;
}

describe('an export of 2,000- and 40,000-character answers', () => {
  const { cleanup, teardown } = suiteCleanup();
  let ws: Workspace;
  let dir = '';
  let header: string[] = [];
  let rows: string[][] = [];
  let manifest: { warnings: string[] };
  const column = () => header.indexOf(QUESTION);
  const caseIdOf = (text: string) => rows.find((r) => r[column()] === text)?.[header.indexOf('case_id')] ?? '';

  beforeAll(async () => {
    ws = longAnswerWorkspace(cleanup);
    const links = await createPilot(ws, { offices: 3 });
    const api = ws.api();
    const [first, second, partial] = links.map((l) => tokenOfLink(l.link));
    for (const [token, text] of [
      [first, TWO_THOUSAND],
      [second, FORTY_THOUSAND],
    ] as const) {
      const answers = chargedOfficeAnswers({ [QUESTION]: text });
      await api.put(`/api/respond/${token}/draft`).send({ answers, page: 0, revision: 0 }).expect(200);
      await api.post(`/api/respond/${token}/complete`).send({ answers, revision: 1 }).expect(200);
    }
    // A partial that left the question blank: the text variable holds "-9".
    const blank = chargedOfficeAnswers({ [QUESTION]: undefined });
    await api.put(`/api/respond/${partial}/draft`).send({ answers: blank, page: 5, revision: 0 }).expect(200);
    const run = await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,sav,dta');
    expect(run, run.err).toMatchObject({ code: 0 });
    dir = ws.file('export');
    [header = [], ...rows] = records(readFileSync(path.join(dir, 'data.csv'), 'utf8'));
    manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  }, 120_000);
  afterAll(() => teardown());

  it('keeps both answers whole in data.csv, the 2,000 characters being over 4,000 bytes', () => {
    expect(Buffer.byteLength(TWO_THOUSAND)).toBeGreaterThan(4_000);
    expect(Array.from(TWO_THOUSAND)).toHaveLength(2_000);
    expect(Array.from(FORTY_THOUSAND)).toHaveLength(40_000);
    expect(Buffer.byteLength(FORTY_THOUSAND)).toBeGreaterThan(SPSS_MAX_STRING_BYTES);
    expect(rows.map((r) => r[column()]).sort()).toEqual([FORTY_THOUSAND, TWO_THOUSAND, '-9'].sort());
  });

  /** data.csv's cells as a .sav holds them: the 40,000-character answer to its first 32,767 bytes. */
  const savExpected = (cell: string) => (cell === FORTY_THOUSAND ? utf8Prefix(cell, SPSS_MAX_STRING_BYTES) : cell);

  it('GNU PSPP reads data.sav: every cell equals data.csv, the 2,000-character answer whole, without a warning', {
    timeout: 60_000,
  }, () => {
    const report = readSavWithPspp(path.join(dir, 'data.sav'), ws.dir);
    expect(report.log).not.toMatch(/warning|error/i);
    const [psppHeader, ...psppRows] = report.data;
    expect(psppHeader).toEqual(header);
    expect(psppRows).toHaveLength(rows.length);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const read = psppRows[r]?.[c];
        expect(
          sameCell(read, savExpected(cell), DATETIME_COLUMNS.has(header[c] ?? '')),
          `${header[c]} row ${r + 1}: ${read?.length} characters`,
        ).toBe(true);
      });
    });
    // The long text variable keeps its missing codes' labels, and (a string) declares no missing values.
    const labels = psppValueLabels(report).filter((l) => l.name === QUESTION);
    expect(labels.map((l) => l.code)).toEqual(expect.arrayContaining([-9]));
    const variable = report.tables.get('Variables')?.rows.find((v) => v[0] === QUESTION);
    expect(variable?.[7]).toBe(`A${SPSS_MAX_STRING_BYTES}`);
    expect(variable?.[9]).toBe('');
  });

  it('R haven reads data.sav: every cell equals data.csv, the 2,000-character answer whole', {
    timeout: 60_000,
  }, () => {
    const read = readWithR('sav', path.join(dir, 'data.sav'), ws.dir);
    expect(read.columns).toEqual(header);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const got = read.cells.get(header[c] ?? '')?.[r];
        expect(
          sameCell(got, savExpected(cell), DATETIME_COLUMNS.has(header[c] ?? '')),
          `${header[c]} row ${r + 1}: ${got?.slice(0, 40)} vs ${cell.slice(0, 40)}`,
        ).toBe(true);
      });
    });
    expect(read.valueLabels.get(QUESTION)?.map((l) => l.code)).toEqual(expect.arrayContaining(['-9']));
  });

  it('R haven reads data.dta: every cell equals data.csv, both long answers whole', { timeout: 60_000 }, () => {
    const read = readWithR('dta', path.join(dir, 'data.dta'), ws.dir);
    expect(read.columns).toEqual(header);
    const missing: Record<string, string> = { '.n': '-9', '.s': '-8', '.d': '-7', '.r': '-6' };
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const got = read.cells.get(header[c] ?? '')?.[r] ?? '<absent>';
        const text = missing[got] ?? (got === 'NA' ? '' : got);
        expect(
          sameCell(text, cell, DATETIME_COLUMNS.has(header[c] ?? '')),
          `${header[c]} row ${r + 1}: ${got.length} characters`,
        ).toBe(true);
      });
    });
  });

  it('pandas reads data.dta: every cell equals data.csv, both long answers whole', { timeout: 60_000 }, () => {
    const read = readDtaWithPandas(path.join(dir, 'data.dta'));
    expect(read.columns).toEqual(header);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const text = pandasCellText(read.rows[r]?.[c]);
        expect(
          sameCell(text, cell, DATETIME_COLUMNS.has(header[c] ?? '')),
          `${header[c]} row ${r + 1}: ${text.length} characters`,
        ).toBe(true);
      });
    });
  });

  it('warns in the manifest of the one cut left, naming data.sav, the variable and the case', () => {
    const caseId = caseIdOf(FORTY_THOUSAND);
    expect(caseId).toMatch(/^\d+$/);
    expect(manifest.warnings).toEqual([
      `data.sav: ${QUESTION} of case ${caseId} has ${Buffer.byteLength(FORTY_THOUSAND).toLocaleString('en-US')} bytes of text; an SPSS string holds at most 32,767, so data.sav keeps its first ${Buffer.byteLength(utf8Prefix(FORTY_THOUSAND, SPSS_MAX_STRING_BYTES)).toLocaleString('en-US')} bytes, cut between characters.`,
    ]);
  });
});

describe('savCutWarning', () => {
  it('names an entry of a second table by its case and entry number, and never quotes the text', () => {
    const table = exportTable(
      [numericVariable('case_id'), numericVariable('defendants_n'), stringVariable('charge_detail')],
      [],
      'defendants',
    );
    const text = 'secret '.repeat(5_000);
    const warning = savCutWarning('data_defendants.sav', table, {
      variable: 'charge_detail',
      row: 7,
      cells: [4_821_934, 3, text],
      bytes: 35_000,
      keptBytes: 32_767,
      maxBytes: 32_767,
    });
    expect(warning).toBe(
      'data_defendants.sav: charge_detail of case 4821934, entry 3 has 35,000 bytes of text; an SPSS string holds at most 32,767, so data_defendants.sav keeps its first 32,767 bytes, cut between characters.',
    );
    expect(warning).not.toContain('secret');
  });
});
