import { readFileSync } from 'node:fs';
import {
  ConditionRunner,
  type IElement,
  type MatrixDropdownColumn,
  type Model,
  PageModel,
  PanelModel,
  type PanelModelBase,
  type Question,
  QuestionMatrixDropdownModelBase,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionPanelDynamicModel,
} from 'survey-core';
import { expect } from 'vitest';
import { createSurveyModel } from '../../server/instruments/answers.js';
import { expressionReferences } from '../../server/instruments/expressions.js';
import { DONT_KNOW } from '../../server/instruments/extensions.js';
import type { Instrument } from '../../server/instruments/registry.js';

/*
 * The search behind the generated skip-logic tests (test/instruments/logic.test.ts): it finds every
 * visibleIf/requiredIf/enableIf of an instrument, tries the answers each referenced question can
 * take, and checks in survey-core that the element shows the rule's effect when the rule holds and
 * not when it fails.
 */

const RULE_KINDS = ['visibleIf', 'requiredIf', 'enableIf'] as const;
type RuleKind = (typeof RULE_KINDS)[number];
const EFFECT: Record<RuleKind, string> = {
  visibleIf: 'shows and hides',
  requiredIf: 'makes required and optional',
  enableIf: 'enables and disables',
};
/** Enough for two or three referenced questions with all their codes; beyond it the search gives up. */
const MAX_ASSIGNMENTS = 20_000;

type Answers = Record<string, unknown>;
type RuleTarget =
  | { kind: 'page'; name: string }
  | { kind: 'element'; name: string }
  | { kind: 'column'; matrix: string; column: string }
  /**
   * An element of a repeating panel's template, checked in the first entry; `panels` are the
   * repeating panels from the outermost down to the one holding it (a panel inside a panel's entries).
   */
  | { kind: 'template'; panels: string[]; name: string };
export type Rule = { instrument: Instrument; target: RuleTarget; kind: RuleKind; expression: string; name: string };

export function targetLabel(target: RuleTarget): string {
  switch (target.kind) {
    case 'page':
      return `page ${target.name}`;
    case 'element':
      return target.name;
    case 'column':
      return `${target.matrix} column ${target.column}`;
    case 'template':
      return `${target.panels.join('[].')}[].${target.name}`;
  }
}

/** The rules as survey-core sees them: pages, panels, questions, matrix columns, repeating-panel templates. */
export function rulesOf(instrument: Instrument): Rule[] {
  const model = createSurveyModel(instrument);
  const rules: Rule[] = [];
  // The getters, not getPropertyValue: a matrix column keeps its rules on its cell template.
  const add = (target: RuleTarget, owner: Partial<Record<RuleKind, unknown>>) => {
    for (const kind of RULE_KINDS) {
      const expression = owner[kind];
      if (typeof expression !== 'string' || expression.trim() === '') continue;
      const name = `${instrument.meta.id}: ${targetLabel(target)} ${kind} "${expression}" ${EFFECT[kind]}`;
      rules.push({ instrument, target, kind, expression, name });
    }
  };
  const walk = (elements: readonly IElement[], template?: string[]) => {
    for (const element of elements) {
      add(
        template ? { kind: 'template', panels: template, name: element.name } : { kind: 'element', name: element.name },
        element as Question | PanelModel,
      );
      if (element instanceof PanelModel) walk(element.elements, template);
      if (element instanceof QuestionPanelDynamicModel)
        walk(element.template.elements, [...(template ?? []), element.name]);
      if (element instanceof QuestionMatrixDropdownModelBase) {
        for (const column of element.columns)
          add({ kind: 'column', matrix: element.name, column: column.name }, column);
      }
    }
  };
  for (const page of model.pages) {
    add({ kind: 'page', name: page.name }, page);
    walk(page.elements);
  }
  return rules;
}

/** A grep over the raw file, independent of survey-core: every non-empty visibleIf/requiredIf/enableIf. */
export function rawRuleCount(file: string): number {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { survey: unknown };
  let count = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if ((RULE_KINDS as readonly string[]).includes(key) && typeof value === 'string' && value.trim() !== '')
          count++;
        walk(value);
      }
    }
  };
  walk(json.survey);
  return count;
}

// ---- candidate answers ----------------------------------------------------------------------

const uniq = <T>(values: T[]): T[] =>
  values.filter((v, i) => values.findIndex((w) => JSON.stringify(w) === JSON.stringify(v)) === i);

/** Numbers the rule compares with, and their neighbours, so `{n} > 12` has a side on each boundary. */
function numericLiterals(expression: string): number[] {
  const outside = expression.replace(/\{[^{}]*\}/g, ' ');
  return [...outside.matchAll(/-?\d+(?:\.\d+)?/g)].flatMap((m) => [Number(m[0]) - 1, Number(m[0]), Number(m[0]) + 1]);
}

type ValueSource = Pick<Question, 'getType' | 'getPropertyValue'>;

function isNumeric(source: ValueSource): boolean {
  const inputType = source.getPropertyValue('inputType');
  return inputType === 'number' || inputType === 'range';
}

/** The answers one question can take, as a search space: every code, empty, and a few counts. */
function candidateValues(source: ValueSource, expression: string, ref: string): unknown[] {
  const type = source.getType();
  const choices = () => {
    const values = ((source.getPropertyValue('choices') ?? []) as { value: unknown }[]).map((c) => c.value);
    if (source.getPropertyValue('showNoneItem')) values.push('none');
    if (source.getPropertyValue('showOtherItem')) values.push('other');
    return values;
  };
  switch (type) {
    case 'radiogroup':
    case 'dropdown':
    case 'rating':
    case 'buttongroup':
      return [undefined, ...choices()];
    case 'boolean':
      return [undefined, source.getPropertyValue('valueTrue') ?? true, source.getPropertyValue('valueFalse') ?? false];
    case 'checkbox':
    case 'tagbox': {
      const values = choices();
      const pairs = values.flatMap((a, i) => values.slice(i + 1).map((b) => [a, b]));
      return [undefined, [], ...values.map((v) => [v]), ...pairs];
    }
    case 'text':
    case 'multipletextitem':
      if (isNumeric(source)) {
        const dk = source.getPropertyValue('dk') === true ? [DONT_KNOW] : [];
        return uniq([undefined, 0, 1, 5, ...numericLiterals(expression), ...dk]);
      }
      return [undefined, 'some text'];
    case 'comment':
      return [undefined, 'some text'];
    default:
      throw new Error(`the search has no candidate answers for {${ref}} (a ${type} question)`);
  }
}

/** One referenced value: where it goes in the answers and which values to try. */
type Slot = { ref: string; path: (string | number)[]; values: unknown[] };

/** The repeating panels of a template target, outermost first, found through each one's template. */
function templatePanels(model: Model, names: readonly string[]): QuestionPanelDynamicModel[] {
  const panels: QuestionPanelDynamicModel[] = [];
  for (const name of names) {
    const around = panels.at(-1);
    const panel = around ? around.template.getQuestionByName(name) : model.getQuestionByName(name);
    if (!(panel instanceof QuestionPanelDynamicModel)) throw new Error(`${name} is not a repeating panel`);
    panels.push(panel);
  }
  return panels;
}

/** Where the first entry of each of the panels sits in the answers: [outer, 0, inner, 0, ...]. */
const firstEntryPath = (panels: readonly QuestionPanelDynamicModel[]) => panels.flatMap((p) => [p.getValueName(), 0]);

function slotFor(model: Model, rule: Rule, ref: string): Slot {
  const parts = ref.split('.');
  // `{panel.x}` is the entry itself, `{parentPanel.x}` the entry of the panel around it.
  let up = 0;
  while (parts[0] === 'parentPanel') {
    up++;
    parts.shift();
  }
  if (up > 0) parts.unshift('panel');
  const [head, ...rest] = parts;
  if (head === 'panel' && rule.target.kind === 'template') {
    const panels = templatePanels(model, rule.target.panels).slice(0, rule.target.panels.length - up);
    const owner = panels.at(-1);
    const inner = owner && rest[0] ? owner.template.getQuestionByName(rest[0]) : null;
    if (!inner || rest.length > 1) throw new Error(`{${ref}} names no question of ${owner?.name}'s entries`);
    return {
      ref,
      path: [...firstEntryPath(panels), inner.getValueName()],
      values: candidateValues(inner, rule.expression, ref),
    };
  }
  const question = model.getQuestionByValueName(head ?? '') ?? model.getQuestionByName(head ?? '');
  if (!question) throw new Error(`{${ref}} refers to no question of ${rule.instrument.meta.id}`);
  const at = [question.getValueName(), ...rest];
  if (rest.length === 0) return { ref, path: at, values: candidateValues(question, rule.expression, ref) };
  if (question instanceof QuestionMatrixModel && rest.length === 1) {
    if (!question.rows.some((row) => String(row.value) === rest[0])) throw new Error(`{${ref}}: no such row`);
    return { ref, path: at, values: [undefined, ...question.columns.map((column) => column.value)] };
  }
  if (question instanceof QuestionMultipleTextModel && rest.length === 1) {
    const item = question.items.find((i) => i.name === rest[0]);
    if (!item) throw new Error(`{${ref}}: no such item`);
    return { ref, path: at, values: candidateValues(item.editor, rule.expression, ref) };
  }
  if (question instanceof QuestionMatrixDropdownModelBase && rest.length === 2) {
    const column = question.getColumnByName(rest[1] ?? '');
    if (!column) throw new Error(`{${ref}}: no such column`);
    return { ref, path: at, values: candidateValues(column.templateQuestion, rule.expression, ref) };
  }
  throw new Error(`the search cannot fill {${ref}}`);
}

function setAt(answers: Answers, at: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = answers;
  at.forEach((key, i) => {
    if (i === at.length - 1) {
      if (value === undefined) delete node[key];
      else node[key] = value;
      return;
    }
    const nextIsIndex = typeof at[i + 1] === 'number';
    node[key] ??= nextIsIndex ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}

/** The consent question answered with anything but "no", so the pages consent guards are on. */
function consentingAnswers(model: Model, instrument: Instrument): Answers {
  if (!instrument.meta.consent) return {};
  const { question, declineValue } = instrument.meta.consent;
  const consent = model.getQuestionByName(question);
  const codes = ((consent?.getPropertyValue('choices') ?? []) as { value: unknown }[]).map((c) => c.value);
  return { [question]: codes.find((code) => code !== declineValue) ?? 1 };
}

/** The cartesian product of the slots' values, lazily, over the consenting base answers. */
function* assignments(base: Answers, slots: Slot[]): Generator<Answers> {
  const total = slots.reduce((n, slot) => n * slot.values.length, 1);
  for (let index = 0; index < Math.min(total, MAX_ASSIGNMENTS); index++) {
    const answers = structuredClone(base);
    let rest = index;
    for (const slot of slots) {
      setAt(answers, slot.path, slot.values[rest % slot.values.length]);
      rest = Math.floor(rest / slot.values.length);
    }
    yield answers;
  }
}

// ---- evaluating a rule and its effect ---------------------------------------------------------

type Located = { element: IElement | PageModel | MatrixDropdownColumn; context: PanelModelBase | Question | null };

/**
 * The values a rule sees: the answers, plus `panel` (the first entry) inside a repeating panel and
 * `parentPanel` (the first entry of the panel around it) inside a nested one.
 */
function ruleValues(rule: Rule, answers: Answers): Answers {
  if (rule.target.kind !== 'template') return answers;
  let values: Answers = answers;
  let scope: Answers | undefined;
  for (const name of rule.target.panels) {
    const entries = values[name];
    const entry = Array.isArray(entries) ? (entries[0] as Answers | undefined) : undefined;
    scope = entry && scope ? { ...entry, parentPanel: scope } : entry;
    values = entry ?? {};
  }
  const parentPanel = scope?.parentPanel;
  return { ...answers, panel: scope, ...(parentPanel ? { parentPanel } : {}), panelIndex: 0 };
}

const holds = (expression: string, values: Answers) => new ConditionRunner(expression).runValues(values);

function locate(model: Model, target: RuleTarget): Located {
  const found = (() => {
    switch (target.kind) {
      case 'page':
        return model.getPageByName(target.name);
      case 'element':
        return model.getQuestionByName(target.name) ?? model.getPanelByName(target.name);
      case 'column': {
        const matrix = model.getQuestionByName(target.matrix) as QuestionMatrixDropdownModelBase;
        return matrix.getColumnByName(target.column);
      }
      case 'template': {
        let entry: PanelModel | undefined;
        for (const name of target.panels) {
          const owner = (entry ? entry.getQuestionByName(name) : model.getQuestionByName(name)) as
            | QuestionPanelDynamicModel
            | undefined;
          entry = owner?.panels[0];
        }
        return entry?.getElementByName(target.name);
      }
    }
  })();
  if (!found) throw new Error(`${targetLabel(target)} is not in the survey model`);
  const context =
    found instanceof PageModel
      ? null
      : target.kind === 'column'
        ? model.getQuestionByName(target.matrix)
        : (((found as Question).parent ?? null) as PanelModelBase | null);
  return { element: found, context };
}

/** Every container around the element keeps it in view: none is switched off by its own rule. */
function containersShown(located: Located, values: Answers): boolean {
  for (let node: unknown = located.context; node; ) {
    const container = node as Question & { parentQuestion?: Question | null };
    const rule = container.getPropertyValue('visibleIf') as string | undefined;
    if (container.visible === false || (rule && !holds(rule, values))) return false;
    node = container.parent ?? container.parentQuestion ?? null;
  }
  return true;
}

function shownToRespondent(element: Located['element']): boolean {
  if (element instanceof PageModel) return element.isVisible;
  if (element instanceof PanelModel) {
    for (let node: PanelModelBase | null = element; node; node = node.parent) if (!node.isVisible) return false;
    return true;
  }
  return (element as Question).isVisibleInSurvey;
}

/** Whether the element shows the rule's effect: shown, required, or open for answers. */
function effectOn(model: Model, rule: Rule): boolean {
  const { element } = locate(model, rule.target);
  if (rule.target.kind === 'column') {
    const matrix = model.getQuestionByName(rule.target.matrix) as QuestionMatrixDropdownModelBase;
    const column = element as MatrixDropdownColumn;
    const cell = matrix.visibleRows[0]?.getQuestionByColumnName(column.name);
    if (!cell) throw new Error(`${rule.target.matrix} has no rows to check`);
    if (rule.kind === 'visibleIf') return matrix.isVisibleInSurvey && column.isColumnVisible;
    return rule.kind === 'requiredIf' ? cell.isRequired : !cell.isReadOnly;
  }
  const { isRequired, isReadOnly } = element as Question | PanelModelBase;
  if (rule.kind === 'visibleIf') return shownToRespondent(element as Located['element']);
  return rule.kind === 'requiredIf' ? isRequired : !isReadOnly;
}

type SearchResult = { holding?: Answers; failing?: Answers; tried: number; holdsButHiddenByContainer: number };

/** Searches the answers the referenced questions can take for one that meets the rule and one that does not. */
export function searchRule(rule: Rule): SearchResult {
  const model = createSurveyModel(rule.instrument);
  const slots = uniq(expressionReferences(rule.expression)).map((ref) => slotFor(model, rule, ref));
  const base = consentingAnswers(model, rule.instrument);
  // A repeating panel needs an entry to hold the element, even when the rule looks only outside it.
  if (rule.target.kind === 'template') {
    const panels = templatePanels(model, rule.target.panels);
    setAt(base, firstEntryPath(panels), {});
  }
  const result: SearchResult = { tried: 0, holdsButHiddenByContainer: 0 };
  for (const answers of assignments(base, slots)) {
    result.tried++;
    const values = ruleValues(rule, answers);
    if (!holds(rule.expression, values)) {
      result.failing ??= answers;
    } else if (!result.holding) {
      model.data = answers;
      if (containersShown(locate(model, rule.target), values)) result.holding = answers;
      else result.holdsButHiddenByContainer++;
    }
    if (result.holding && result.failing) break;
  }
  return result;
}

function effectUnder(rule: Rule, answers: Answers): boolean {
  const model = createSurveyModel(rule.instrument);
  model.data = structuredClone(answers);
  return effectOn(model, rule);
}

export function expectRuleWorks(rule: Rule): void {
  const search = searchRule(rule);
  const where = `${targetLabel(rule.target)} ${rule.kind} "${rule.expression}" (${search.tried} answer sets tried)`;
  const hidden = search.holdsButHiddenByContainer;
  const besides =
    hidden > 0 ? ` (it holds in ${hidden} answer sets, but a page or panel around it is hidden then)` : '';
  expect(search.holding, `no answers make ${where} hold with its page and panels shown${besides}`).toBeDefined();
  expect(search.failing, `no answers make ${where} false`).toBeDefined();
  expect(effectUnder(rule, search.holding as Answers), `${where} under ${JSON.stringify(search.holding)}`).toBe(true);
  expect(effectUnder(rule, search.failing as Answers), `${where} under ${JSON.stringify(search.failing)}`).toBe(false);
}
