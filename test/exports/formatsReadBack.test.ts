import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DATETIME_COLUMNS,
  pandasCellText,
  readDtaWithPandas,
  readSavWithPspp,
  records,
  sameCell,
} from '../support/readBack.js';
import { fieldedPilot } from './pilot.js';

/**
 * A real export of the Phase I pilot (a complete, a partial with hidden questions and missing
 * codes of every kind) read back by tools nobody here wrote: GNU PSPP for data.sav, pandas for
 * data.dta. Every cell must equal data.csv.
 */
async function exported() {
  const ws = await fieldedPilot();
  await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,sav,dta');
  const dir = ws.file('export');
  const [header, ...rows] = records(readFileSync(path.join(dir, 'data.csv'), 'utf8'));
  return { ws, dir, header: header ?? [], rows };
}

describe('an export read back by other tools', () => {
  it('GNU PSPP reads data.sav: the same variables and every cell as data.csv', async () => {
    const { ws, dir, header, rows } = await exported();

    const [psppHeader, ...psppRows] = readSavWithPspp(path.join(dir, 'data.sav'), ws.dir).data;

    expect(psppHeader).toEqual(header);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        expect(
          sameCell(psppRows[r]?.[c], cell, DATETIME_COLUMNS.has(header[c] ?? '')),
          `${header[c]} row ${r + 1}: ${psppRows[r]?.[c]} vs ${cell}`,
        ).toBe(true);
      });
    });
  });

  it('pandas reads data.dta: the same variables, every cell, the missing codes as .n .s .d .r', async () => {
    const { dir, header, rows } = await exported();

    const read = readDtaWithPandas(path.join(dir, 'data.dta'));

    expect(read.columns).toEqual(header);
    rows.forEach((row, r) => {
      row.forEach((cell, c) => {
        const text = pandasCellText(read.rows[r]?.[c]);
        expect(
          sameCell(text, cell, DATETIME_COLUMNS.has(header[c] ?? '')),
          `${header[c]} row ${r + 1}: ${text} vs ${cell}`,
        ).toBe(true);
      });
    });
  });
});
