import {
  type ItemValue,
  type MatrixDropdownColumn,
  Model,
  type MultipleTextItemModel,
  type Question,
  type QuestionBooleanModel,
  type QuestionCheckboxModel,
  type QuestionMatrixDropdownModel,
  type QuestionMatrixModel,
  type QuestionMultipleTextModel,
  type QuestionPanelDynamicModel,
  type QuestionSelectBase,
  type QuestionTextModel,
} from 'survey-core';
import { DONT_KNOW, dkAllowed } from './extensions.js';
import { isNumericInput, type NumericRule, numericRule } from './numeric.js';
import type { Instrument } from './registry.js';
import { allowedDepth, characterCount, scanAnswer } from './valueScan.js';

export type Answers = Record<string, unknown>;
/** Messages per question name; the key `_answers` holds problems that belong to no question. */
export type AnswerErrors = Record<string, string[]>;

export const ANSWER_LIMITS = Object.freeze({
  textChars: 2_000,
  commentChars: 20_000,
  panels: 50,
  /** Problems reported per request: enough to fix a form, and a bound on the work a bad request costs. */
  problems: 200,
});

/** A fresh model, for work that gives it answers (validation, clearing hidden answers). */
export function createSurveyModel(instrument: Pick<Instrument, 'survey'>): Model {
  return new Model(instrument.survey);
}

const structures = new WeakMap<Instrument, Model>();

/**
 * One model per instrument for reading question definitions, never given answers. Building a
 * model of the Phase I survey takes ~40 ms, far too much for every autosave.
 */
export function instrumentStructure(instrument: Instrument): Model {
  let model = structures.get(instrument);
  if (!model) {
    model = createSurveyModel(instrument);
    structures.set(instrument, model);
  }
  return model;
}

export const isEmptyAnswer = (v: unknown) => v === undefined || v === null || v === '';
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short, safe rendering of a value for a message; never walks into lists or objects. */
function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object' && v !== null) return 'a set of answers';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return String(JSON.stringify(v));
}

function checkNumber(value: unknown, rule: NumericRule): string[] {
  if (typeof value !== 'number') return [`${describe(value)} is not a number`];
  if (!Number.isFinite(value)) return [`${describe(value)} is not a finite number`];
  if (rule.dk && value === DONT_KNOW) return [];
  if (rule.integer && !Number.isInteger(value)) return [`${value} is not a whole number`];
  if (rule.min !== undefined && value < rule.min) return [`${value} is below the minimum of ${rule.min}`];
  if (rule.max !== undefined && value > rule.max) return [`${value} is above the maximum of ${rule.max}`];
  return [];
}

function checkText(value: unknown, maxChars: number): string[] {
  if (typeof value !== 'string') return [`${describe(value)} is not text`];
  // Code points are never more than UTF-16 units, so only long strings need counting.
  if (value.length > maxChars && characterCount(value) > maxChars) {
    return [`the text is longer than ${maxChars} characters`];
  }
  return [];
}

/** Choice values a select question accepts, including its special items when they are shown. */
function allowedChoices(q: QuestionSelectBase): ItemValue[] {
  const items: ItemValue[] = [...q.choices];
  if (q.showNoneItem) items.push(q.noneItem);
  if (q.showOtherItem) items.push(q.otherItem);
  if (q.showRefuseItem) items.push(q.refuseItem);
  if (q.showDontKnowItem) items.push(q.dontKnowItem);
  return items;
}

/** Exact match: "1" is not the choice 1, so exported codes stay typed. */
const findItem = (items: ItemValue[], value: unknown) => items.find((item) => item.value === value);

/**
 * Collects messages up to a limit. Every checker stops once it is full, so the work a request
 * costs is bounded by the problems reported, not by how many a hostile body could contain.
 */
class Problems {
  readonly messages: string[] = [];
  constructor(private readonly limit = ANSWER_LIMITS.problems) {}
  get full() {
    return this.messages.length >= this.limit;
  }
  add(message: string) {
    if (!this.full) this.messages.push(message);
  }
}

function checkSelect(q: QuestionSelectBase, value: unknown): string[] {
  if (typeof value !== 'number' && typeof value !== 'string') return [`${describe(value)} is not a choice`];
  return findItem(allowedChoices(q), value) ? [] : [`${describe(value)} is not one of the choices`];
}

function checkCheckbox(q: QuestionCheckboxModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of choices`];
  const items = allowedChoices(q);
  const problems = new Problems();
  const picked = new Set<ItemValue>();
  for (const v of value) {
    if (problems.full) break;
    const item = findItem(items, v);
    if (!item) problems.add(`${describe(v)} is not one of the choices`);
    else if (picked.has(item)) problems.add(`${describe(v)} is chosen twice`);
    else picked.add(item);
  }
  const exclusive = [...picked].find((item) => item.isExclusive || item === q.noneItem);
  if (exclusive && picked.size > 1) {
    problems.add(`"${exclusive.text}" cannot be chosen together with other answers`);
  }
  if (q.maxSelectedChoices > 0 && picked.size > q.maxSelectedChoices) {
    problems.add(`at most ${q.maxSelectedChoices} choices may be selected`);
  }
  return problems.messages;
}

function checkBoolean(q: QuestionBooleanModel, value: unknown): string[] {
  const allowed = [q.valueTrue ?? true, q.valueFalse ?? false];
  return allowed.some((a) => a === value) ? [] : [`${describe(value)} is not a yes/no answer`];
}

function checkMatrix(q: QuestionMatrixModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of row answers`];
  const rows = q.rows as ItemValue[];
  const columns = q.columns as ItemValue[];
  const problems = new Problems();
  for (const [rowKey, cell] of Object.entries(value)) {
    if (problems.full) break;
    const row = rows.find((r) => String(r.value) === rowKey);
    if (!row) problems.add(`row ${describe(rowKey)} does not exist`);
    else if (!isEmptyAnswer(cell) && !findItem(columns, cell)) {
      problems.add(`row "${row.text}": ${describe(cell)} is not one of the choices`);
    }
  }
  return problems.messages;
}

function checkMatrixDropdown(q: QuestionMatrixDropdownModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of row answers`];
  const rows = q.rows as ItemValue[];
  const problems = new Problems();
  for (const [rowKey, rowValue] of Object.entries(value)) {
    if (problems.full) break;
    const row = rows.find((r) => String(r.value) === rowKey);
    if (!row) {
      problems.add(`row ${describe(rowKey)} does not exist`);
      continue;
    }
    if (!isPlainObject(rowValue)) {
      problems.add(`row "${row.text}": ${describe(rowValue)} is not a set of answers`);
      continue;
    }
    for (const [columnName, cell] of Object.entries(rowValue)) {
      if (problems.full) break;
      const column = q.columns.find((c: MatrixDropdownColumn) => c.name === columnName);
      if (!column) problems.add(`row "${row.text}": column ${describe(columnName)} does not exist`);
      else if (!isEmptyAnswer(cell)) {
        for (const e of checkQuestionValue(column.templateQuestion, cell, dkAllowed(column))) {
          problems.add(`row "${row.text}", column "${column.title}": ${e}`);
        }
      }
    }
  }
  return problems.messages;
}

function checkMultipleText(q: QuestionMultipleTextModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of answers`];
  const problems = new Problems();
  for (const [itemName, itemValue] of Object.entries(value)) {
    if (problems.full) break;
    const item = q.items.find((i: MultipleTextItemModel) => i.name === itemName);
    if (!item) problems.add(`item ${describe(itemName)} does not exist`);
    else if (!isEmptyAnswer(itemValue)) {
      const found = isNumericInput(item.inputType)
        ? checkNumber(itemValue, numericRule(item))
        : checkText(itemValue, item.maxLength > 0 ? item.maxLength : ANSWER_LIMITS.textChars);
      for (const e of found) problems.add(`"${item.title || item.name}": ${e}`);
    }
  }
  return problems.messages;
}

function checkPanelDynamic(q: QuestionPanelDynamicModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of entries`];
  const limit = q.maxPanelCount > 0 ? Math.min(q.maxPanelCount, ANSWER_LIMITS.panels) : ANSWER_LIMITS.panels;
  if (value.length > limit) return [`at most ${limit} entries are allowed`];
  const templateQuestions = q.template.questions;
  const problems = new Problems();
  for (const [index, entry] of value.entries()) {
    if (problems.full) break;
    if (!isPlainObject(entry)) {
      problems.add(`entry ${index + 1}: ${describe(entry)} is not a set of answers`);
      continue;
    }
    for (const [key, v] of Object.entries(entry)) {
      if (problems.full) break;
      const inner = templateQuestions.find((t) => t.getValueName() === key);
      if (!inner) problems.add(`entry ${index + 1}: ${describe(key)} is not a question of this entry`);
      else if (!isEmptyAnswer(v))
        for (const e of checkQuestionValue(inner, v)) problems.add(`entry ${index + 1}, "${inner.name}": ${e}`);
    }
  }
  return problems.messages;
}

/**
 * What SurveyJS does not check (stack notes): that a number is a number within its range, that a
 * choice is among the choices, that an exclusive answer stands alone, and size limits.
 */
export function checkQuestionValue(q: Question, value: unknown, dk = dkAllowed(q)): string[] {
  if (isEmptyAnswer(value)) return [];
  switch (q.getType()) {
    case 'text': {
      const text = q as QuestionTextModel;
      if (isNumericInput(text.inputType)) return checkNumber(value, numericRule(text, dk));
      return checkText(value, text.maxLength > 0 ? text.maxLength : ANSWER_LIMITS.textChars);
    }
    case 'comment':
      return checkText(
        value,
        q.getPropertyValue('maxLength') > 0 ? q.getPropertyValue('maxLength') : ANSWER_LIMITS.commentChars,
      );
    case 'radiogroup':
    case 'dropdown':
      return checkSelect(q as QuestionSelectBase, value);
    case 'checkbox':
      return checkCheckbox(q as QuestionCheckboxModel, value);
    case 'boolean':
      return checkBoolean(q as QuestionBooleanModel, value);
    case 'matrix':
      return checkMatrix(q as QuestionMatrixModel, value);
    case 'matrixdropdown':
      return checkMatrixDropdown(q as QuestionMatrixDropdownModel, value);
    case 'multipletext':
      return checkMultipleText(q as QuestionMultipleTextModel, value);
    case 'paneldynamic':
      return checkPanelDynamic(q as QuestionPanelDynamicModel, value);
    case 'expression':
      return ['is calculated by the survey and cannot be answered'];
    default:
      return [`questions of type "${q.getType()}" cannot be answered here`];
  }
}

export type AnswerCheck = {
  questions: AnswerErrors;
  /** How many problems were found before the check stopped. */
  count: number;
  /** True when the check stopped at the limit: there may be more problems than listed. */
  truncated: boolean;
};

const valueNames = new WeakMap<Model, Map<string, Question>>();

function questionsByValueName(model: Model): Map<string, Question> {
  let byValueName = valueNames.get(model);
  if (!byValueName) {
    byValueName = new Map();
    for (const q of model.getAllQuestions(false, false, false)) byValueName.set(q.getValueName(), q);
    valueNames.set(model, byValueName);
  }
  return byValueName;
}

/**
 * Structural checks that hold for drafts and completions alike: every key is a question of the
 * instrument (or its comment), and every value has the question's type, nesting, choices and range.
 * One pass over the answers, stopping at `ANSWER_LIMITS.problems`; messages are not repeated.
 */
export function checkAnswerShape(model: Model, answers: Answers): AnswerCheck {
  const questions: AnswerErrors = {};
  const seen = new Set<string>();
  let count = 0;
  const add = (key: string, message: string) => {
    const id = `${key}\u0000${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    count++;
    const list = questions[key] ?? [];
    list.push(message);
    questions[key] = list;
  };
  const byValueName = questionsByValueName(model);
  // for-in, not Object.entries: a body of 30,000 unknown keys must not be copied before the first
  // few hundred of them end the check.
  for (const key in answers) {
    if (count >= ANSWER_LIMITS.problems) return { questions, count, truncated: true };
    const value = answers[key];
    const commentOf = key.endsWith('-Comment') ? byValueName.get(key.slice(0, -'-Comment'.length)) : undefined;
    if (commentOf) {
      const problem = scanAnswer(value, 0);
      const found = problem ? [problem] : checkText(value, ANSWER_LIMITS.textChars);
      for (const e of found) add(commentOf.name, `comment: ${e}`);
      continue;
    }
    const q = byValueName.get(key);
    if (!q) {
      add('_answers', `${describe(key)} is not a question of this survey`);
      continue;
    }
    const problem = scanAnswer(value, allowedDepth(q));
    const found = problem ? [`the answer ${problem}`] : checkQuestionValue(q, value);
    for (const e of found) add(q.name, e);
  }
  return { questions, count, truncated: false };
}

/** The problems of `checkAnswerShape`, by question. */
export const answerShapeErrors = (model: Model, answers: Answers): AnswerErrors =>
  checkAnswerShape(model, answers).questions;
