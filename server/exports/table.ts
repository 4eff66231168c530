import { MISSING_CODES } from '../instruments/missingCodes.js';

/**
 * A table as every export format writes it: typed variables with their labels and codes, and rows
 * of cells. The dataset builder makes one per table (cases, and one per repeating panel or dynamic
 * matrix); each format writer (CSV, SPSS .sav, Stata .dta, R) turns it into its file without
 * knowing anything of instruments or SurveyJS.
 */

/** A code with a label: a choice, or one of the typed missing codes. */
export type CodeLabel = { code: number; label: string };

/** The study-wide missing codes every format declares (spec: exports.md "Missing values"). */
export const MISSING = Object.freeze({
  notAnswered: MISSING_CODES.notAnswered,
  skipped: MISSING_CODES.skipped,
  dontKnow: MISSING_CODES.dontKnow,
  preferNot: MISSING_CODES.preferNot,
});

/**
 * A cell the public-use file withholds so that no combination of quasi-identifiers is rarer than k
 * (publicUse.ts); declared missing only on the variables that can hold it, never in the identified file.
 */
export const SUPPRESSED: CodeLabel = Object.freeze({
  code: -5,
  label: 'Suppressed for confidentiality (public-use file)',
});

export type ExportVariable = {
  /** Valid in SPSS and Stata: [a-z][a-z0-9_]{0,31}. */
  name: string;
  /** The question text (UTF-8; writers truncate to their format's limit). */
  label: string;
  /** numeric cells are numbers (codes, counts, missing codes); string cells are text. */
  kind: 'numeric' | 'string';
  measure: 'nominal' | 'ordinal' | 'scale';
  /** Decimals to display for numeric variables (0 for codes and counts). */
  decimals: number;
  /** Labels of the valid codes of a numeric variable, in order. */
  valueLabels: CodeLabel[];
  /** The missing codes (from MISSING) this numeric variable can hold; declared user-missing. */
  missing: CodeLabel[];
};

/**
 * A text a format could not hold whole and cut at a character: its variable, its row (1-based) with
 * the row's cells (to name the case), and its length, what was kept and the format's limit, in bytes.
 */
export type StringCut = {
  variable: string;
  row: number;
  cells: readonly Cell[];
  bytes: number;
  keptBytes: number;
  maxBytes: number;
};

/** A cell: a number for numeric variables, a string for string variables; null only where a format has no other choice. */
export type Cell = number | string | null;

export type ExportTable = {
  name: string;
  variables: ExportVariable[];
  /** Rows in order, each with one cell per variable. Iterated once per writer. */
  rows: () => Iterable<Cell[]>;
  /** Number of rows, known before writing (headers of .sav and .dta carry it). */
  rowCount: number;
};

/**
 * The rows as the spreadsheet formats (CSV, XLSX) show them: codes, or with `labels` the label of
 * every coded value and missing code; a string variable's missing code ("-9") becomes the number it
 * stands for.
 */
export function* spreadsheetRows(table: ExportTable, options: { labels?: boolean } = {}): Generator<Cell[]> {
  const labelsOf = table.variables.map((v) => new Map([...v.valueLabels, ...v.missing].map((c) => [c.code, c.label])));
  const missingOf = table.variables.map((v) => new Set(v.missing.map((m) => String(m.code))));
  for (const row of table.rows()) {
    yield row.map((cell, i) => {
      const value = typeof cell === 'string' && missingOf[i]?.has(cell) ? Number(cell) : cell;
      if (options.labels && typeof value === 'number') return labelsOf[i]?.get(value) ?? value;
      return value;
    });
  }
}
