import type { Readable } from 'node:stream';
import type { VersionedVariable } from '../codebook/union.js';
import type { TableSummary } from './frequencies.js';
import { type Sheet, type SheetCell, xlsxStream } from './spreadsheetml.js';
import { type ExportTable, type ExportVariable, spreadsheetRows } from './table.js';
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
 * per variable and code and "summaries" one row per number, date-time or text. A date-time variable
 * is an Excel date on both data sheets (its missing codes as in the CSV files). Every sheet has
 * column widths, a frozen header and an AutoFilter.
 *
 * Only the labels sheet has a second header row (each variable's short label, or its label): the
 * codes sheet is for software, and pandas `read_excel`, R readxl and openpyxl read one header row
 * over a rectangle of data with no options, whereas a row of labels under the names would make
 * every numeric column text in all of them. The labels sheet is for people, who want to know what
 * a column is without opening the codebook.
 */
export function tableSheets(
  table: ExportTable,
  codebook: readonly VersionedVariable[],
  summary?: TableSummary,
): Sheet[] {
  const header = table.variables.map((v) => v.name);
  const describeRow = (row: SheetCell[], index: number) =>
    `row ${index + 1} (${header[0] ?? 'first column'} ${describeCell(row[0])})`;
  const data = (name: string, labels: boolean): Sheet => ({
    name,
    header,
    ...(labels ? { subheader: table.variables.map((v) => v.shortLabel ?? v.label) } : {}),
    widths: table.variables.map((v) => dataColumnWidth(v, labels)),
    filter: true,
    rows: () => dataRows(table, labels),
    rowCount: table.rowCount,
    describeRow,
  });
  const described = codebookRows(table, codebook);
  const codebookHeader = [...CODEBOOK_COLUMNS];
  return [
    data('codes', false),
    data('labels', true),
    {
      name: 'codebook',
      header: codebookHeader,
      widths: codebookHeader.map((name, i) => measuredWidth(name, described, i)),
      filter: true,
      rows: () => described,
      rowCount: described.length,
      describeRow: (row) => `the row of variable ${describeCell(row[0])}`,
    },
    ...(summary ? statisticsSheets(table, summary) : []),
  ];
}

function statisticsSheets(table: ExportTable, summary: TableSummary): Sheet[] {
  const sheet = (name: string, header: readonly string[], rows: SheetCell[][]): Sheet => ({
    name,
    header: [...header],
    widths: header.map((h, i) => measuredWidth(h, rows, i)),
    filter: true,
    rows: () => rows,
    rowCount: rows.length,
    describeRow: (row) => `the row of variable ${row[0]}`,
  });
  return [
    sheet('frequencies', FREQUENCY_COLUMNS, frequencySheetRows(table, summary)),
    sheet('summaries', SUMMARY_COLUMNS, summarySheetRows(table, summary)),
  ];
}

const describeCell = (cell: SheetCell | undefined) =>
  cell instanceof Date ? cell.toISOString() : String(cell ?? 'empty');

/**
 * The cells of data.csv (or data_labels.csv), each moment of a date-time variable a Date so that
 * it becomes an Excel date; its missing codes stay as spreadsheetRows gives them.
 */
function* dataRows(table: ExportTable, labels: boolean): Generator<SheetCell[]> {
  const datetimes = table.variables.flatMap((v, i) => (v.format === 'datetime' ? [i] : []));
  const missingOf = table.variables.map((v) => new Set(v.missing.map((m) => m.code)));
  for (const row of spreadsheetRows(table, { labels, datetimes: 'number' })) {
    const cells: SheetCell[] = row;
    for (const i of datetimes) {
      const cell = cells[i];
      if (typeof cell === 'number' && !missingOf[i]?.has(cell)) cells[i] = new Date(cell);
    }
    yield cells;
  }
}

// Widths in characters of the default font. Excel cuts what does not fit, so a width errs wide,
// but never past MAX_WIDTH: one long answer or label must not push the other columns off screen.
const MAX_WIDTH = 60;
/** The AutoFilter's drop-down button covers about this much of a header cell. */
const FILTER_BUTTON = 3;
/** "2026-03-02 14:05:09", the date-time format of spreadsheetml.ts. */
const DATE_TIME_WIDTH = 19;
/** A code, a count, an id or a weight such as 1234.5678. */
const NUMBER_WIDTH = 10;
/** Free text is as long as it is: a width that shows a phrase, the rest is read in the cell. */
const TEXT_WIDTH = 24;
/** On the labels sheet, room for the short label to wrap in a few lines. */
const LABEL_WIDTH = 16;

const characters = (text: string) => [...text].length;

/**
 * A data column's width, chosen before the rows are read (the widths precede the rows in the
 * file): the name beside the filter button, and what the cells can hold by the variable's kind;
 * on the labels sheet, its longest value or missing label, and some of its short label.
 */
function dataColumnWidth(variable: ExportVariable, labels: boolean): number {
  const name = characters(variable.name) + FILTER_BUTTON;
  const cells = labels ? labelCellWidth(variable) : codeCellWidth(variable);
  const label = labels ? Math.min(characters(variable.shortLabel ?? variable.label), LABEL_WIDTH) : 0;
  return Math.min(Math.max(name, cells, label) + 1, MAX_WIDTH);
}

function codeCellWidth(variable: ExportVariable): number {
  if (variable.format === 'datetime') return DATE_TIME_WIDTH;
  return variable.kind === 'string' ? TEXT_WIDTH : NUMBER_WIDTH;
}

/** As spreadsheetRows writes the labels file: a numeric variable without value labels stays numbers (its missing codes blank). */
function labelCellWidth(variable: ExportVariable): number {
  const base = codeCellWidth(variable);
  if (variable.kind === 'numeric' && variable.valueLabels.length === 0) return base;
  return Math.max(base, ...[...variable.valueLabels, ...variable.missing].map((c) => characters(c.label)));
}

/** A column's width from its cells, for a sheet already in memory (the codebook's). */
function measuredWidth(name: string, rows: readonly SheetCell[][], column: number): number {
  let widest = characters(name) + FILTER_BUTTON;
  for (const row of rows) {
    const cell = row[column];
    if (cell !== null && cell !== undefined) widest = Math.max(widest, characters(String(cell)));
  }
  return Math.min(widest + 1, MAX_WIDTH);
}

/** data.xlsx (or data_<table>.xlsx) of one table, streamed; see spreadsheetml.ts for the limits. */
export function xlsxOfTable(
  table: ExportTable,
  codebook: readonly VersionedVariable[],
  options: { mtime: Date; summary?: TableSummary },
): Readable {
  return xlsxStream(tableSheets(table, codebook, options.summary), { mtime: options.mtime });
}
