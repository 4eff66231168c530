import type { VersionedVariable } from '../codebook/union.js';
import type { SheetCell } from './spreadsheetml.js';
import type { CodeLabel, ExportTable } from './table.js';

/** The codebook sheet of data.xlsx: one row per variable of a table. */

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
export function codebookRows(table: ExportTable, codebook: readonly VersionedVariable[]): SheetCell[][] {
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
