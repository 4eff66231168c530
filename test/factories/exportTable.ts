import type { Cell, ExportTable, ExportVariable } from '../../server/exports/table.js';

/** Test factories for export tables: each call builds a fresh table. */

export function numericVariable(name: string, overrides: Partial<ExportVariable> = {}): ExportVariable {
  return {
    name,
    label: `Label of ${name}`,
    kind: 'numeric',
    measure: 'nominal',
    decimals: 0,
    valueLabels: [],
    missing: [],
    ...overrides,
  };
}

export function stringVariable(name: string, overrides: Partial<ExportVariable> = {}): ExportVariable {
  return { ...numericVariable(name), kind: 'string', ...overrides };
}

export function exportTable(variables: ExportVariable[], rows: Cell[][], name = 'cases'): ExportTable {
  return { name, variables, rows: () => rows, rowCount: rows.length };
}
