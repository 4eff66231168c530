import { prefillText } from '../codebook/renderStatistics.js';
import type { Count, FrequencyRow } from '../codebook/statistics.js';
import type { VersionedVariable } from '../codebook/union.js';
import type { TableSummary } from './frequencies.js';
import type { SheetCell } from './spreadsheetml.js';
import type { CodeLabel, ExportTable, ExportVariable } from './table.js';

/** The codebook sheet of data.xlsx: one row per variable of a table. */

/** The columns of the codebook sheet: what an analyst needs to read a variable without the HTML codebook. */
export const CODEBOOK_COLUMNS = [
  'variable',
  'label',
  'short_label',
  'group',
  'item',
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
  'instructions',
  'prefilled_from',
] as const;

// "[code] label": a list starting with a negative code would otherwise start with "-" and be
// neutralized with a visible leading quote, like any text that could be read as a formula.
const codesText = (codes: CodeLabel[]) => codes.map((c) => `[${c.code}] ${c.label}`).join('; ');

/**
 * One row per variable of the table. Values and missing codes are the table's own (a public-use
 * file recodes some); question, type, range, condition, versions, instructions and the prefill's
 * source come from the codebook, and are empty for the metadata columns the export adds.
 */
export function codebookRows(table: ExportTable, codebook: readonly VersionedVariable[]): SheetCell[][] {
  const byName = new Map(codebook.map((v) => [v.name, v]));
  return table.variables.map((v) => {
    const described = byName.get(v.name);
    return [
      v.name,
      v.label,
      v.shortLabel ?? null,
      // The question a grid's rows or a multi-select's choices share, so a filter lists them together.
      v.group?.name ?? null,
      v.group ? (v.item ?? null) : null,
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
      described?.instructions ?? null,
      described?.prefill ? prefillText(described.prefill) : null,
    ];
  });
}

/**
 * The columns of the frequencies sheet: one row per variable and code (missing codes included), so
 * that a filter on `variable` shows a variable's table and one on `missing` its valid codes.
 */
export const FREQUENCY_COLUMNS = [
  'variable',
  'label',
  'code',
  'code_label',
  'missing',
  'n',
  'percent',
  'valid_percent',
  'weighted_n',
  'weighted_percent',
  'weighted_valid_percent',
] as const;

/** The columns of the summaries sheet: one row per number, date-time or text variable. */
export const SUMMARY_COLUMNS = [
  'variable',
  'label',
  'kind',
  'n',
  'mean',
  'sd',
  'min',
  'max',
  'weighted_mean',
  'missing_codes',
] as const;

// A withheld count ("< 3") is text in a numeric column: the filter still lists it, and no sum counts it.
const countCell = (n: Count): SheetCell => n;

function frequencyRow(variable: ExportVariable, row: FrequencyRow): SheetCell[] {
  return [
    variable.name,
    variable.label,
    row.code,
    row.label,
    row.missing ? 1 : 0,
    countCell(row.n),
    row.percent,
    row.validPercent,
    row.weightedN ?? null,
    row.weightedPercent ?? null,
    row.weightedValidPercent ?? null,
  ];
}

/** Every coded variable's frequencies, and every other variable's missing codes, in the table's order. */
export function frequencySheetRows(table: ExportTable, summary: TableSummary): SheetCell[][] {
  return table.variables.flatMap((v) => {
    const s = summary.statistics.variables[v.name];
    if (!s) return [];
    const rows = s.kind === 'categorical' ? s.frequencies : s.missing;
    return rows.map((r) => frequencyRow(v, r));
  });
}

/** One row per variable without value labels: n, mean, SD, min, max (ISO text for a date-time), weighted mean. */
export function summarySheetRows(table: ExportTable, summary: TableSummary): SheetCell[][] {
  return table.variables.flatMap((v): SheetCell[][] => {
    const s = summary.statistics.variables[v.name];
    if (!s || s.kind === 'categorical') return [];
    const missing = s.missing.map((m) => `[${m.code}] ${m.label}: ${m.n}`).join('; ');
    const numbers =
      s.kind === 'number'
        ? [s.mean, s.sd, s.min, s.max, s.weightedMean ?? null]
        : s.kind === 'datetime'
          ? [null, null, s.min, s.max, null]
          : [null, null, null, null, null];
    return [[v.name, v.label, s.kind, countCell(s.n), ...numbers, missing]];
  });
}
