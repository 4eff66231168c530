import type { Readable } from 'node:stream';
import type { VersionedVariable } from '../codebook/union.js';
import { type Sheet, type SheetCell, xlsxStream } from './spreadsheetml.js';
import { type CodeLabel, type ExportTable, spreadsheetRows } from './table.js';

/** The columns of the codebook sheet: what an analyst needs to read a variable without the HTML codebook. */
export const CODEBOOK_COLUMNS = [
  'variable',
  'label',
  'question',
  'type',
  'storage',
  'measure',
  'decimals',
  'values',
  'missing_codes',
  'min',
  'max',
  'shown_when',
  'in_versions',
] as const;

// "[code] label": a list starting with a negative code would otherwise start with "-" and be
// neutralized with a visible leading quote, like any text that could be read as a formula.
const codesText = (codes: CodeLabel[]) => codes.map((c) => `[${c.code}] ${c.label}`).join('; ');

/**
 * One row per variable of the table. Values and missing codes are the table's own (a public-use
 * file recodes some); question, type, range, condition and versions come from the codebook, and are
 * empty for the metadata columns the export adds.
 */
function codebookRows(table: ExportTable, codebook: readonly VersionedVariable[]): SheetCell[][] {
  const byName = new Map(codebook.map((v) => [v.name, v]));
  return table.variables.map((v) => {
    const described = byName.get(v.name);
    return [
      v.name,
      v.label,
      described?.question ?? null,
      described?.type ?? (v.kind === 'numeric' ? 'number' : 'text'),
      v.kind,
      v.measure,
      v.kind === 'numeric' ? v.decimals : null,
      codesText(v.valueLabels),
      codesText(v.missing),
      described?.range?.min ?? null,
      described?.range?.max ?? null,
      described?.condition ?? null,
      described?.versions.join(', ') ?? null,
    ];
  });
}

/**
 * The sheets of data.xlsx for one table: "codes" holds the cells of data.csv, "labels" those of
 * data_labels.csv, "codebook" one row per variable.
 */
export function tableSheets(table: ExportTable, codebook: readonly VersionedVariable[]): Sheet[] {
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
  ];
}

/** data.xlsx (or data_<table>.xlsx) of one table, streamed; see spreadsheetml.ts for the limits. */
export function xlsxOfTable(
  table: ExportTable,
  codebook: readonly VersionedVariable[],
  options: { mtime: Date },
): Readable {
  return xlsxStream(tableSheets(table, codebook), options);
}
