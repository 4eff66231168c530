import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/csv.js';
import { fieldedPilot } from './pilot.js';

/**
 * A real export of the Phase I pilot (a complete, a partial with hidden questions and missing
 * codes of every kind) read back by tools nobody here wrote: GNU PSPP for data.sav, pandas for
 * data.dta. Every cell must equal data.csv.
 */
const records = (text: string) => parseCsv(text).records.map((r) => r.fields);
const STATA_MISSING: Record<string, string> = { '.n': '-9', '.s': '-8', '.d': '-7', '.r': '-6' };

async function exported() {
  const ws = await fieldedPilot();
  await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,sav,dta');
  const dir = ws.file('export');
  const [header, ...rows] = records(readFileSync(path.join(dir, 'data.csv'), 'utf8'));
  return { ws, dir, header: header ?? [], rows };
}

/** The same number or text: PSPP pads decimals ("1.0000"), CSV cells are as written. */
function same(actual: string | undefined, expected: string | undefined): boolean {
  const a = (actual ?? '').trim();
  const e = (expected ?? '').replace(/^'(?=[-=+@\t\r])/, '').trim();
  if (a === e) return true;
  return a !== '' && e !== '' && Number.isFinite(Number(a)) && Number(a) === Number(e);
}

describe('an export read back by other tools', () => {
  it('GNU PSPP reads data.sav: the same variables and every cell as data.csv', async () => {
    const { ws, dir, header, rows } = await exported();
    const out = ws.file('from-pspp.csv');
    writeFileSync(
      ws.file('read.sps'),
      `GET FILE='${path.join(dir, 'data.sav')}'.\nSAVE TRANSLATE /OUTFILE='${out}' /TYPE=CSV /FIELDNAMES /REPLACE /CELLS=VALUES.\n`,
    );
    const run = spawnSync('pspp', [ws.file('read.sps')], { encoding: 'utf8' });
    if (run.error) throw new Error('GNU PSPP (`pspp`) is required: run scripts/install-test-deps.sh');
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);

    const [psppHeader, ...psppRows] = records(readFileSync(out, 'utf8'));
    expect(psppHeader).toEqual(header);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        expect(same(psppRows[r]?.[c], cell), `${header[c]} row ${r + 1}: ${psppRows[r]?.[c]} vs ${cell}`).toBe(true);
      });
    });
  });

  it('pandas reads data.dta: the same variables, every cell, the missing codes as .n .s .d .r', async () => {
    const { dir, header, rows } = await exported();
    const run = spawnSync(
      '/usr/bin/python3',
      [path.join(import.meta.dirname, 'readDta.py'), path.join(dir, 'data.dta')],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
      },
    );
    if (run.error) throw new Error('/usr/bin/python3 with pandas is required: run scripts/install-test-deps.sh');
    expect(run.status, run.stderr).toBe(0);
    const read = JSON.parse(run.stdout) as { columns: string[]; rows: unknown[][] };

    expect(read.columns).toEqual(header);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const value = read.rows[r]?.[c];
        const text =
          typeof value === 'object' && value !== null && 'missing' in value
            ? (STATA_MISSING[String((value as { missing: string }).missing)] ??
              String((value as { missing: string }).missing))
            : typeof value === 'object' && value !== null
              ? ''
              : String(value);
        expect(same(text, cell), `${header[c]} row ${r + 1}: ${text} vs ${cell}`).toBe(true);
      });
    });
  });
});
