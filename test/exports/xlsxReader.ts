import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * An .xlsx as openpyxl reads it (readXlsx.py; Debian's python3-openpyxl, installed by
 * scripts/install-test-deps.sh): a reader nobody here wrote, so that a workbook Excel-compatible
 * tools mis-read fails the test.
 */

// Debian's interpreter: python3-openpyxl is installed for it, not for any other python3 on PATH.
const PYTHON = '/usr/bin/python3';
const READER = fileURLToPath(new URL('./readXlsx.py', import.meta.url));

/** openpyxl's data type ("n", "s", "f" ...), the Python type of the value, the value (a date as ISO text), is_date, the number format. */
export type ReadCell = [string, string, number | string | null, boolean, string];
export type ReadSheet = {
  name: string;
  frozen: string | null;
  filter: string | null;
  /** Width of each column that has one, by column letter. */
  widths: Record<string, number>;
  rows: ReadCell[][];
};
export type DefinedName = { name: string; localSheetId: string | null; hidden: string | null; text: string };
export type ReadBook = { openpyxl: string; definedNames: DefinedName[]; sheets: ReadSheet[] };

export function readXlsx(file: string): ReadBook {
  const run = spawnSync(PYTHON, [READER, file], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (run.error) throw new Error(`${PYTHON} with openpyxl is required: run scripts/install-test-deps.sh`);
  if (run.status !== 0) throw new Error(`readXlsx.py failed on ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as ReadBook;
}

export function sheetOf(book: ReadBook, name: string): ReadSheet {
  const found = book.sheets.find((s) => s.name === name);
  if (!found) throw new Error(`no sheet "${name}" in the workbook`);
  return found;
}

/** The values of a row as read, without openpyxl's types. */
export const valuesOf = (row: readonly ReadCell[] | undefined) => (row ?? []).map((c) => c[2]);
