import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDta } from '../../server/exports/dta.js';
import { type ExportTable, type ExportVariable, MISSING } from '../../server/exports/table.js';
import { exportTable, numericVariable } from '../factories/exportTable.js';
import { readWithR } from '../support/readBack.js';

/**
 * The .dta as an analyst opens it (issue 28): pandas' read_stata with its defaults and with
 * convert_missing=True, R haven's read_dta, and ReadStat's own command line, which, unlike the
 * libraries built on it, walks every <ch> of <characteristics> (its note handler is set) and refuses
 * the file when one is malformed.
 */

const PYTHON = '/usr/bin/python3';
const ANALYST_READER = fileURLToPath(new URL('./readDtaAnalyst.py', import.meta.url));

type PandasCell = number | string | null | { missing: string };
type AnalystRead = {
  columns: Record<string, { dtype: string; mean: number | null; cells: PandasCell[] }>;
  convertMissing: Record<string, PandasCell[]> | null;
  convertMissingError: string | null;
  variableLabels: Record<string, string>;
};

function readAsAnalyst(path: string): AnalystRead {
  const run = spawnSync(PYTHON, [ANALYST_READER, path], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`pandas could not read ${path}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as AnalystRead;
}

/** ReadStat's `readstat in.dta out.csv`; its exit status is 0 even on a parse error, so its report is checked. */
function convertWithReadStat(path: string, dir: string): string {
  const run = spawnSync('readstat', ['-f', path, join(dir, 'readstat.csv')], { encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      "ReadStat's command line is required to check <characteristics>: run scripts/install-test-deps.sh (apt-get install --no-install-recommends readstat)",
    );
  }
  return `${run.stdout}${run.stderr}`;
}

async function written(table: ExportTable, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeDta(table, path);
  return path;
}

describe('174 items of one long question', () => {
  const stem = 'For each of the following kinds of cases, how many did your office open in the last full fiscal year';
  const items = Array.from({ length: 174 }, (_, i) => `Case kind ${i + 1}`);
  const variable = (item: string, i: number, short: boolean): ExportVariable =>
    numericVariable(`q9_${i + 1}`, {
      label: `${stem} — ${item}`,
      item,
      ...(short ? { shortLabel: `Q9 cases opened: ${item}` } : {}),
      missing: [MISSING.notAnswered],
    });
  const table = (short: boolean) =>
    exportTable(
      items.map((item, i) => variable(item, i, short)),
      [items.map((_, i) => i), items.map(() => -9)],
    );
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dta-labels-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets 174 distinct labels in pandas, the short labels given, haven and ReadStat reading the notes section', {
    timeout: 60_000,
  }, async () => {
    expect(new Set(items.map((item) => `${stem} — ${item}`.slice(0, 80))).size).toBe(1);
    const path = await written(table(true), dir, 'short.dta');

    const labels = readAsAnalyst(path).variableLabels;
    expect(Object.values(labels)).toEqual(items.map((item) => `Q9 cases opened: ${item}`));
    expect(new Set(Object.values(labels)).size).toBe(174);
    expect(readWithR('dta', path, dir).labels.get('q9_174')).toBe('Q9 cases opened: Case kind 174');
    expect(convertWithReadStat(path, dir)).toContain('Converted 174 variables and 2 rows');
  });

  it('gets 174 distinct labels without short labels too: the label is cut in its stem, keeping the item', {
    timeout: 60_000,
  }, async () => {
    const labels = Object.values(readAsAnalyst(await written(table(false), dir, 'cut.dta')).variableLabels);
    expect(new Set(labels).size).toBe(174);
    labels.forEach((label, i) => {
      expect(Array.from(label).length).toBeLessThanOrEqual(80);
      expect(label.endsWith(`… — ${items[i]}`), label).toBe(true);
    });
  });

  it('is refused by ReadStat when a <ch> length is wrong, so its acceptance above is a real check', async () => {
    const file = readFileSync(await written(table(true), dir, 'good.dta'));
    const at = file.indexOf('<ch>') + 4;
    file.writeUInt32LE(file.readUInt32LE(at) + 1, at);
    writeFileSync(join(dir, 'bad.dta'), file);
    expect(convertWithReadStat(join(dir, 'bad.dta'), dir)).toMatch(/Error processing/);
  });
});
