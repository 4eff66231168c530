import { stringify } from 'csv-stringify/sync';
import { neutralizeFormula } from '../platform/csv.js';
import { type Cell, type ExportTable, spreadsheetRows } from './table.js';

/**
 * The lines of a CSV file (RFC 4180, UTF-8, a header of variable names): the cells of
 * spreadsheetRows, codes or labels. Text cells a spreadsheet would run as a formula are neutralized
 * by the same rule as the XLSX file's; numbers stay numbers.
 */
export function* csvChunks(table: ExportTable, options: { labels?: boolean } = {}): Generator<string> {
  yield stringify([table.variables.map((v) => v.name)]);
  let batch: Cell[][] = [];
  for (const row of spreadsheetRows(table, options)) {
    batch.push(row.map((cell) => (typeof cell === 'string' ? neutralizeFormula(cell) : cell)));
    if (batch.length === 500) {
      yield stringify(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield stringify(batch);
}
