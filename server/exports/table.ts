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
  /** Valid in SPSS and Stata: [A-Za-z][A-Za-z0-9_]{0,31}. */
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
  /**
   * A numeric variable holding a moment: its cells are milliseconds since 1970-01-01 00:00 UTC (or
   * a missing code). Each format writes its own date-time type (SPSS DATETIME, Stata %tc, an Excel
   * date cell, R POSIXct); CSV keeps the ISO 8601 text.
   */
  format?: 'datetime';
  /**
   * A label unique within the table of at most 80 characters (Stata's limit): the question number,
   * the stem abbreviated, then the item, e.g. "A6 staff: attorneys (FTE)". Absent: `label` is short.
   */
  shortLabel?: string;
  /** The item part that ends `label` ("stem — item"): a format that must cut the label cuts the stem. */
  item?: string;
  /**
   * The question several variables share: the 0/1 dummies of a multi-select (`multi`, an SPSS
   * multiple-response set) or the rows of a grid (`grid`). Codebooks group the items under it.
   */
  group?: { name: string; label: string; kind: 'multi' | 'grid' };
  /** What else an analyst should read with the variable: the question's instructions, where a prefilled value came from. */
  notes?: string[];
};

/**
 * The label cut to `maxBytes` of UTF-8 so that the item part survives: the stem is shortened with
 * an ellipsis before the item loses a character. Without an item (or when the item alone is too
 * long), the label is cut at the end, between characters.
 */
export function fitLabel(variable: Pick<ExportVariable, 'label' | 'item'>, maxBytes: number): string {
  const { label, item } = variable;
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const cutTo = (text: string, max: number) => {
    let out = '';
    for (const ch of text) {
      if (bytes(out) + bytes(ch) > max) break;
      out += ch;
    }
    return out;
  };
  if (bytes(label) <= maxBytes) return label;
  if (!item || !label.endsWith(item)) return cutTo(label, maxBytes);
  const stem = label.slice(0, label.length - item.length);
  const room = maxBytes - bytes(item) - bytes('…');
  if (room < 8) return cutTo(label, maxBytes);
  // The stem keeps its separator (" — ") at the end, so the cut stem ends in "… — item".
  const sep = stem.match(/\s*[—:-]\s*$/)?.[0] ?? '';
  const head = cutTo(stem.slice(0, stem.length - sep.length), room - bytes(sep)).trimEnd();
  return `${head}…${sep}${item}`;
}

/**
 * A 0/1 variable (a multi-select's dummy, a flag, a yes/no coded 0/1): its mean is a share, so the
 * formats show it with two decimals (0.37) where a code would show none.
 */
export function isZeroOne(variable: Pick<ExportVariable, 'kind' | 'valueLabels'>): boolean {
  const codes = variable.valueLabels.map((v) => v.code).sort((a, b) => a - b);
  return variable.kind === 'numeric' && codes.length === 2 && codes[0] === 0 && codes[1] === 1;
}

/** A datetime cell (milliseconds since 1970 UTC) as ISO 8601 text, to the second: "2026-03-02T14:05:09Z". */
export function isoDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

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
  /** A second table's key columns: the main table's key, the keys of the entries around it, its own. */
  key?: string[];
  /** The second table whose entries hold this one's (a repeating panel inside a repeating panel). */
  parent?: string;
  variables: ExportVariable[];
  /** Rows in order, each with one cell per variable. Iterated once per writer. */
  rows: () => Iterable<Cell[]>;
  /** Number of rows, known before writing (headers of .sav and .dta carry it). */
  rowCount: number;
};

/**
 * The rows as the spreadsheet formats (CSV, XLSX) show them: codes, or with `labels` the label of
 * every coded value and missing code; a string variable's missing code ("-9") becomes the number it
 * stands for. A datetime cell is ISO 8601 text, or with `datetimes: 'number'` stays milliseconds
 * (a spreadsheet writer makes it a date cell); its missing code stays a code.
 * In the labels file a variable without value labels (a count, an amount) stays a number: its
 * missing codes are blank there, so the column is numeric in every reader (data.csv keeps the code).
 * A date-time's missing code is its label there ("Not submitted (a partial)"), as for coded variables.
 */
export function* spreadsheetRows(
  table: ExportTable,
  options: { labels?: boolean; datetimes?: 'text' | 'number' } = {},
): Generator<Cell[]> {
  const labelsOf = table.variables.map((v) => new Map([...v.valueLabels, ...v.missing].map((c) => [c.code, c.label])));
  const missingOf = table.variables.map((v) => new Set(v.missing.map((m) => String(m.code))));
  const numbersOnly = table.variables.map(
    (v) => v.kind === 'numeric' && v.valueLabels.length === 0 && v.format !== 'datetime',
  );
  const datetime = table.variables.map((v) => v.format === 'datetime');
  const datetimeText = options.datetimes !== 'number';
  for (const row of table.rows()) {
    yield row.map((cell, i) => {
      const value = typeof cell === 'string' && missingOf[i]?.has(cell) ? Number(cell) : cell;
      const missing = typeof value === 'number' && missingOf[i]?.has(String(value));
      if (datetime[i] && typeof value === 'number' && !missing) return datetimeText ? isoDateTime(value) : value;
      if (options.labels && missing && numbersOnly[i]) return null;
      if (options.labels && typeof value === 'number') return labelsOf[i]?.get(value) ?? value;
      return value;
    });
  }
}
