import { ConditionRunner } from 'survey-core';
import type { Codebook, Variable } from '../codebook/build.js';
import { createSurveyModel, isBlankAnswer, isPlainObject } from '../instruments/answers.js';
import { definedQuestions } from '../instruments/checker.js';
import { fillEntryKeys } from '../instruments/entryKeys.js';
import type { Instrument } from '../instruments/registry.js';
import { atSurveyTime } from '../instruments/surveyClock.js';
import { resolveVariables } from '../instruments/variableMap.js';
import type { Cell, ExportTable, ExportVariable } from './table.js';
import { MISSING } from './table.js';

type Answers = Record<string, unknown>;

/** The key columns' labels: the main table's key, a parent's entry, and the table's own entry. */
function keyLabel(table: Codebook['tables'][number], tables: Codebook['tables'], at: number): string {
  const own = at === table.key.length - 1;
  if (at === 0)
    return table.key[0] === 'case_id' ? 'Case id (as in the main table)' : `${table.key[0]} (as in the main table)`;
  if (!own) {
    const ancestor = tables.find((t) => t.key.length === at + 1 && t.key.every((k, i) => k === table.key[i]));
    return `Entry of ${ancestor ? `"${ancestor.name}"` : 'the panel around it'} (as in its table)`;
  }
  return table.entryKey ? 'Entry key (kept when other entries are removed or moved)' : 'Entry number';
}

/**
 * The second tables of an export: one per repeating panel or dynamic matrix, also per repeating
 * panel inside another's entries, one row per entry, keyed by the main table's key (the case's
 * export id), the keys of the entries around it, and its own: the entry key the entry stores
 * (meta.panelKeys; an entry stored without one gets the next, as entryKeys.ts fills them) or its
 * position. A cell is -8 where its question's conditions (the panel's own and those around it,
 * `{panel.x}` read from the entry, `{parentPanel.x}` from the entry around it) hide it, -9 where
 * shown and blank, else the value coded by the variable map.
 */
export function entryTables(
  instrument: Instrument,
  codebook: Codebook,
  exportVariable: (v: Variable) => ExportVariable,
  /** `savedAt`: when the answers were last saved; conditions reading today() and kin judge them then. */
  cases: () => Iterable<{ caseId: number; answers: Answers; savedAt: Date }>,
): ExportTable[] {
  const vars = resolveVariables(instrument.meta.variables);
  const panelKeys = instrument.meta.panelKeys ?? {};
  // Answers sit under a question's valueName, its codes in the map under its name.
  const entryOf = new Map<string, string>();
  for (const q of definedQuestions(createSurveyModel(instrument))) {
    if (!entryOf.has(q.getValueName())) entryOf.set(q.getValueName(), q.name);
  }
  const mapKey = (valueName: string) => entryOf.get(valueName) ?? valueName;
  const runners = new Map<string, ConditionRunner>();
  const holds = (condition: string, values: Answers, savedAt: Date) => {
    let runner = runners.get(condition);
    if (!runner) {
      runner = new ConditionRunner(condition);
      runners.set(condition, runner);
    }
    const run = runner;
    return atSurveyTime(savedAt, () => run.runValues(values));
  };

  return codebook.tables
    .filter((t) => t.question !== undefined)
    .map((t) => {
      const question = t.question as string;
      const path = t.path ?? [question];
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
        ...t.key.map((name, at) => keyVariable(name, keyLabel(t, codebook.tables, at))),
        ...inner.map(exportVariable),
      ];
      const cell = (v: Variable, context: Answers, savedAt: Date): Cell => {
        const entry = context.panel as Answers;
        // A text variable holds its missing code as text ("-8"), as in the main table.
        const missingCode = (code: number) => (v.type === 'text' || v.type === 'date' ? String(code) : code);
        if (!v.conditions.every((c) => holds(c, context, savedAt))) return missingCode(MISSING.skipped.code);
        const source = v.source;
        const key =
          source.kind === 'column'
            ? `${mapKey(question)}/${source.column}`
            : source.kind === 'value'
              ? mapKey(source.question)
              : mapKey(question);
        const value = source.kind === 'column' ? entry[source.column] : entry[source.question];
        if (isBlankAnswer(value)) return missingCode(MISSING.notAnswered.code);
        const choice = 'choice' in source ? source.choice : source.kind === 'choice' ? source.code : undefined;
        if (choice !== undefined) return Array.isArray(value) && value.includes(choice) ? 1 : 0;
        if (v.type === 'text' || v.type === 'date') return String(value);
        return vars.codeOf(key, value) ?? (typeof value === 'number' ? value : String(value));
      };
      /**
       * The entries at `depth` of the path under `values`, each with its keys and the context its
       * conditions read: the answers, `panel` (this entry), `row` (a dynamic matrix's row) and
       * `parentPanel` (the entry around it, itself with its own `parentPanel`).
       */
      function* entriesAt(
        values: Answers,
        depth: number,
        keys: Cell[],
        answers: Answers,
        around: Answers | undefined,
        savedAt: Date,
      ): Generator<Cell[]> {
        const name = path[depth] as string;
        const entries = values[name];
        if (!Array.isArray(entries)) return;
        const keyName = Object.hasOwn(panelKeys, mapKey(name)) ? panelKeys[mapKey(name)] : undefined;
        for (const [n, entry] of entries.entries()) {
          if (!isPlainObject(entry)) continue;
          const own = keyName === undefined ? n + 1 : (entry[keyName] as Cell);
          const context: Answers = { ...answers, panel: entry, row: entry, ...(around ? { parentPanel: around } : {}) };
          if (depth === path.length - 1) {
            yield [...keys, own, ...inner.map((v) => cell(v, context, savedAt))];
          } else {
            yield* entriesAt(
              entry,
              depth + 1,
              [...keys, own],
              answers,
              { ...entry, ...(around ? { parentPanel: around } : {}) },
              savedAt,
            );
          }
        }
      }
      let rowCount = 0;
      function* rows(): Generator<Cell[]> {
        for (const { caseId, answers, savedAt } of cases()) {
          // Entries saved before their panel declared a key, or by a client that left one out, get the next one.
          const keyed = Object.keys(panelKeys).length > 0 ? fillEntryKeys(answers, panelKeys) : answers;
          yield* entriesAt(keyed, 0, [caseId], keyed, undefined, savedAt);
        }
      }
      for (const _ of rows()) rowCount++;
      return { name: t.name, key: t.key, ...(t.parent ? { parent: t.parent } : {}), variables, rows, rowCount };
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
        ...(parts.find((p) => p.key?.every((k, i) => k === t.key[i]))?.variables ?? parts[0]?.variables ?? []).slice(
          0,
          t.key.length,
        ),
        // A version's question that a later version made the entry key is that key column, not a variable of its own.
        ...codebook.variables.filter((v) => v.table === t.name && !t.key.includes(v.name)).map(exportVariable),
      ];
      // Keys by position: a version that numbered a panel's entries (`<table>_n`) and one that keys them
      // (meta.panelKeys) fill the same key column; the other variables by name.
      const keyCount = t.key.length;
      const moves = parts.map((part) => {
        const index = new Map(part.variables.map((v, i) => [v.name, i]));
        return variables.map((v, i) => (i < keyCount ? i : (index.get(v.name) ?? -1)));
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
      return {
        name: t.name,
        key: t.key,
        ...(t.parent ? { parent: t.parent } : {}),
        variables,
        rows,
        rowCount: parts.reduce((n, p) => n + p.rowCount, 0),
      };
    });
}
