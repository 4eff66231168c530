import type { Readable } from 'node:stream';
import type { VersionedVariable } from '../codebook/union.js';
import type { TableSummary } from './frequencies.js';
import { type Sheet, type SheetCell, xlsxStream } from './spreadsheetml.js';
import { type ExportTable, spreadsheetRows } from './table.js';
import {
  CODEBOOK_COLUMNS,
  codebookRows,
  FREQUENCY_COLUMNS,
  frequencySheetRows,
  SUMMARY_COLUMNS,
  summarySheetRows,
} from './xlsxCodebook.js';

/**
 * The sheets of data.xlsx for one table: "codes" holds the cells of data.csv, "labels" those of
 * data_labels.csv, "codebook" one row per variable; with the table's summary, "frequencies" one row
 * per variable and code and "summaries" one row per number, date-time or text.
 */
export function tableSheets(
  table: ExportTable,
  codebook: readonly VersionedVariable[],
  summary?: TableSummary,
): Sheet[] {
  const header = table.variables.map((v) => v.name);
  const describeRow = (row: SheetCell[], index: number) =>
    `row ${index + 1} (${header[0] ?? 'first column'} ${row[0] ?? 'empty'})`;
  const data = (name: string, labels: boolean): Sheet => ({
    name,
    header,
    rows: () => spreadsheetRows(table, { labels }),
    rowCount: table.rowCount,
    describeRow,
  });
  const described = codebookRows(table, codebook);
  return [
    data('codes', false),
    data('labels', true),
    {
      name: 'codebook',
      header: [...CODEBOOK_COLUMNS],
      rows: () => described,
      rowCount: described.length,
      describeRow: (row) => `the row of variable ${row[0]}`,
    },
    ...(summary ? statisticsSheets(table, summary) : []),
  ];
}

function statisticsSheets(table: ExportTable, summary: TableSummary): Sheet[] {
  const sheet = (name: string, header: readonly string[], rows: SheetCell[][]): Sheet => ({
    name,
    header: [...header],
    rows: () => rows,
    rowCount: rows.length,
    describeRow: (row) => `the row of variable ${row[0]}`,
  });
  return [
    sheet('frequencies', FREQUENCY_COLUMNS, frequencySheetRows(table, summary)),
    sheet('summaries', SUMMARY_COLUMNS, summarySheetRows(table, summary)),
  ];
}

/** data.xlsx (or data_<table>.xlsx) of one table, streamed; see spreadsheetml.ts for the limits. */
export function xlsxOfTable(
  table: ExportTable,
  codebook: readonly VersionedVariable[],
  options: { mtime: Date; summary?: TableSummary },
): Readable {
  return xlsxStream(tableSheets(table, codebook, options.summary), { mtime: options.mtime });
}
