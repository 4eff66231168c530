import { ConditionRunner } from 'survey-core';
import type { Codebook, Variable } from '../codebook/build.js';
import { createSurveyModel, isBlankAnswer, isPlainObject } from '../instruments/answers.js';
import { definedQuestions } from '../instruments/checker.js';
import type { Instrument } from '../instruments/registry.js';
import { resolveVariables } from '../instruments/variableMap.js';
import type { Cell, ExportTable, ExportVariable } from './table.js';
import { MISSING } from './table.js';

type Answers = Record<string, unknown>;

/**
 * The second tables of an export: one per repeating panel or dynamic matrix, one row per entry,
 * keyed by the case's export id and the entry number. A cell is -8 where its question's conditions
 * (the panel's own and those around it, `{panel.x}` read from the entry) hide it, -9 where shown
 * and blank, else the value coded by the variable map.
 */
export function entryTables(
  instrument: Instrument,
  codebook: Codebook,
  exportVariable: (v: Variable) => ExportVariable,
  cases: () => Iterable<{ caseId: number; answers: Answers }>,
): ExportTable[] {
  const vars = resolveVariables(instrument.meta.variables);
  // Answers sit under a question's valueName, its codes in the map under its name.
  const entryOf = new Map<string, string>();
  for (const q of definedQuestions(createSurveyModel(instrument))) {
    if (!entryOf.has(q.getValueName())) entryOf.set(q.getValueName(), q.name);
  }
  const mapKey = (valueName: string) => entryOf.get(valueName) ?? valueName;
  const runners = new Map<string, ConditionRunner>();
  const holds = (condition: string, values: Answers) => {
    let runner = runners.get(condition);
    if (!runner) {
      runner = new ConditionRunner(condition);
      runners.set(condition, runner);
    }
    return runner.runValues(values);
  };

  return codebook.tables
    .filter((t) => t.question !== undefined)
    .map((t) => {
      const question = t.question as string;
      const inner = codebook.variables.filter((v) => v.table === t.name);
      const keyVariable = (name: string, label: string): ExportVariable => ({
        name,
        label,
        kind: 'numeric',
        measure: 'nominal',
        decimals: 0,
        valueLabels: [],
        missing: [],
      });
      const variables = [
        keyVariable('case_id', 'Case id (as in the main table)'),
        keyVariable(`${t.name}_n`, 'Entry number'),
        ...inner.map(exportVariable),
      ];
      const cell = (v: Variable, entry: Answers, answers: Answers): Cell => {
        const context = { ...answers, panel: entry, row: entry };
        // A text variable holds its missing code as text ("-8"), as in the main table.
        const missingCode = (code: number) => (v.type === 'text' || v.type === 'date' ? String(code) : code);
        if (!v.conditions.every((c) => holds(c, context))) return missingCode(MISSING.skipped.code);
        const source = v.source;
        const key =
          source.kind === 'column'
            ? `${mapKey(question)}/${source.column}`
            : source.kind === 'value'
              ? mapKey(source.question)
              : mapKey(question);
        const value =
          source.kind === 'column' ? entry[source.column] : entry[source.question.replace(/-Comment$/, '-Comment')];
        if (isBlankAnswer(value)) return missingCode(MISSING.notAnswered.code);
        const choice = 'choice' in source ? source.choice : source.kind === 'choice' ? source.code : undefined;
        if (choice !== undefined) return Array.isArray(value) && value.includes(choice) ? 1 : 0;
        if (v.type === 'text' || v.type === 'date') return String(value);
        return vars.codeOf(key, value) ?? (typeof value === 'number' ? value : String(value));
      };
      let rowCount = 0;
      function* rows(): Generator<Cell[]> {
        for (const { caseId, answers } of cases()) {
          const entries = answers[question];
          if (!Array.isArray(entries)) continue;
          for (const [n, entry] of entries.entries()) {
            if (!isPlainObject(entry)) continue;
            yield [caseId, n + 1, ...inner.map((v) => cell(v, entry, answers))];
          }
        }
      }
      for (const _ of rows()) rowCount++;
      return { name: t.name, variables, rows, rowCount };
    });
}

/**
 * The second tables of cases answered on several versions: per table of the union codebook, the
 * rows of every version's table, each cell moved to its union column and -8 where the case's
 * version lacks the variable ("not in this version").
 */
export function unionTables(
  codebook: Codebook,
  exportVariable: (v: Variable) => ExportVariable,
  perVersion: ExportTable[][],
): ExportTable[] {
  return codebook.tables
    .filter((t) => t.question !== undefined)
    .map((t) => {
      const parts = perVersion.flatMap((tables) => tables.filter((x) => x.name === t.name));
      const variables = [
        ...(parts[0]?.variables.slice(0, t.key.length) ?? []),
        ...codebook.variables.filter((v) => v.table === t.name).map(exportVariable),
      ];
      const moves = parts.map((part) => {
        const index = new Map(part.variables.map((v, i) => [v.name, i]));
        return variables.map((v) => index.get(v.name) ?? -1);
      });
      function* rows(): Generator<Cell[]> {
        for (const [p, part] of parts.entries()) {
          const move = moves[p] as number[];
          for (const row of part.rows()) {
            yield move.map((at, i) =>
              at >= 0
                ? (row[at] as Cell)
                : variables[i]?.kind === 'string'
                  ? String(MISSING.skipped.code)
                  : MISSING.skipped.code,
            );
          }
        }
      }
      return { name: t.name, variables, rows, rowCount: parts.reduce((n, p) => n + p.rowCount, 0) };
    });
}
