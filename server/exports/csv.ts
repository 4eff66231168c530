import { stringify } from 'csv-stringify/sync';
import type { Cell, ExportTable } from './table.js';

/**
 * The lines of a CSV file (RFC 4180, UTF-8, a header of variable names): codes, or with `labels`
 * the label of every coded value and missing code. Text cells starting with = + - @, a tab or a
 * carriage return are neutralized against formula injection; numbers stay numbers, and a string
 * variable's missing code ("-9") is written as the number it stands for.
 */
export function* csvChunks(table: ExportTable, options: { labels?: boolean } = {}): Generator<string> {
  yield stringify([table.variables.map((v) => v.name)]);
  const labelsOf = table.variables.map((v) => new Map([...v.valueLabels, ...v.missing].map((c) => [c.code, c.label])));
  const missingOf = table.variables.map((v) => new Set(v.missing.map((m) => String(m.code))));
  let batch: Cell[][] = [];
  for (const row of table.rows()) {
    batch.push(
      row.map((cell, i) => {
        const value = typeof cell === 'string' && missingOf[i]?.has(cell) ? Number(cell) : cell;
        if (options.labels && typeof value === 'number') return labelsOf[i]?.get(value) ?? value;
        return value;
      }),
    );
    if (batch.length === 500) {
      yield stringify(batch, { escape_formulas: true });
      batch = [];
    }
  }
  if (batch.length > 0) yield stringify(batch, { escape_formulas: true });
}
