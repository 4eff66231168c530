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

export type Answers = Record<string, unknown>;
/** Messages per question name; the key `_answers` holds problems that belong to no question. */
export type AnswerErrors = Record<string, string[]>;

export const ANSWER_LIMITS = Object.freeze({
  textChars: 2_000,
  commentChars: 20_000,
  panels: 50,
});

/** A fresh model, for work that gives it answers (validation, clearing hidden answers). */
export function createSurveyModel(instrument: Instrument): Model {
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

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (typeof v === 'string' ? `"${v.slice(0, 40)}"` : JSON.stringify(v)?.slice(0, 40));

function checkNumber(value: unknown, rule: NumericRule): string[] {
  if (typeof value !== 'number' || !Number.isFinite(value)) return [`${describe(value)} is not a number`];
  if (rule.dk && value === DONT_KNOW) return [];
  if (rule.integer && !Number.isInteger(value)) return [`${value} is not a whole number`];
  if (rule.min !== undefined && value < rule.min) return [`${value} is below the minimum of ${rule.min}`];
  if (rule.max !== undefined && value > rule.max) return [`${value} is above the maximum of ${rule.max}`];
  return [];
}

function checkText(value: unknown, maxChars: number): string[] {
  if (typeof value !== 'string') return [`${describe(value)} is not text`];
  if (value.length > maxChars) return [`the text is longer than ${maxChars} characters`];
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

function checkSelect(q: QuestionSelectBase, value: unknown): string[] {
  if (typeof value !== 'number' && typeof value !== 'string') return [`${describe(value)} is not a choice`];
  return findItem(allowedChoices(q), value) ? [] : [`${describe(value)} is not one of the choices`];
}

function checkCheckbox(q: QuestionCheckboxModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of choices`];
  const items = allowedChoices(q);
  const errors: string[] = [];
  const picked: ItemValue[] = [];
  for (const v of value) {
    const item = findItem(items, v);
    if (!item) errors.push(`${describe(v)} is not one of the choices`);
    else if (picked.includes(item)) errors.push(`${describe(v)} is chosen twice`);
    else picked.push(item);
  }
  const exclusive = picked.find((item) => item.isExclusive || item === q.noneItem);
  if (exclusive && picked.length > 1) {
    errors.push(`"${exclusive.text}" cannot be chosen together with other answers`);
  }
  if (q.maxSelectedChoices > 0 && picked.length > q.maxSelectedChoices) {
    errors.push(`at most ${q.maxSelectedChoices} choices may be selected`);
  }
  return errors;
}

function checkBoolean(q: QuestionBooleanModel, value: unknown): string[] {
  const allowed = [q.valueTrue ?? true, q.valueFalse ?? false];
  return allowed.some((a) => a === value) ? [] : [`${describe(value)} is not a yes/no answer`];
}

function checkMatrix(q: QuestionMatrixModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of row answers`];
  const rows = q.rows as ItemValue[];
  const columns = q.columns as ItemValue[];
  const errors: string[] = [];
  for (const [rowKey, cell] of Object.entries(value)) {
    const row = rows.find((r) => String(r.value) === rowKey);
    if (!row) errors.push(`row ${describe(rowKey)} does not exist`);
    else if (!isEmpty(cell) && !findItem(columns, cell)) {
      errors.push(`row "${row.text}": ${describe(cell)} is not one of the choices`);
    }
  }
  return errors;
}

function checkMatrixDropdown(q: QuestionMatrixDropdownModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of row answers`];
  const rows = q.rows as ItemValue[];
  const errors: string[] = [];
  for (const [rowKey, rowValue] of Object.entries(value)) {
    const row = rows.find((r) => String(r.value) === rowKey);
    if (!row) {
      errors.push(`row ${describe(rowKey)} does not exist`);
      continue;
    }
    if (!isPlainObject(rowValue)) {
      errors.push(`row "${row.text}": ${describe(rowValue)} is not a set of answers`);
      continue;
    }
    for (const [columnName, cell] of Object.entries(rowValue)) {
      const column = q.columns.find((c: MatrixDropdownColumn) => c.name === columnName);
      if (!column) errors.push(`row "${row.text}": column ${describe(columnName)} does not exist`);
      else if (!isEmpty(cell)) {
        for (const e of checkQuestionValue(column.templateQuestion, cell, dkAllowed(column))) {
          errors.push(`row "${row.text}", column "${column.title}": ${e}`);
        }
      }
    }
  }
  return errors;
}

function checkMultipleText(q: QuestionMultipleTextModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of answers`];
  const errors: string[] = [];
  for (const [itemName, itemValue] of Object.entries(value)) {
    const item = q.items.find((i: MultipleTextItemModel) => i.name === itemName);
    if (!item) errors.push(`item ${describe(itemName)} does not exist`);
    else if (!isEmpty(itemValue)) {
      const found = isNumericInput(item.inputType)
        ? checkNumber(itemValue, numericRule(item))
        : checkText(itemValue, item.maxLength > 0 ? item.maxLength : ANSWER_LIMITS.textChars);
      for (const e of found) errors.push(`"${item.title || item.name}": ${e}`);
    }
  }
  return errors;
}

function checkPanelDynamic(q: QuestionPanelDynamicModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of entries`];
  const limit = q.maxPanelCount > 0 ? Math.min(q.maxPanelCount, ANSWER_LIMITS.panels) : ANSWER_LIMITS.panels;
  if (value.length > limit) return [`at most ${limit} entries are allowed`];
  const templateQuestions = q.template.questions;
  const errors: string[] = [];
  value.forEach((entry, index) => {
    if (!isPlainObject(entry)) {
      errors.push(`entry ${index + 1}: ${describe(entry)} is not a set of answers`);
      return;
    }
    for (const [key, v] of Object.entries(entry)) {
      const inner = templateQuestions.find((t) => t.getValueName() === key);
      if (!inner) errors.push(`entry ${index + 1}: ${describe(key)} is not a question of this entry`);
      else if (!isEmpty(v))
        for (const e of checkQuestionValue(inner, v)) errors.push(`entry ${index + 1}, "${inner.name}": ${e}`);
    }
  });
  return errors;
}

/**
 * What SurveyJS does not check (stack notes): that a number is a number within its range, that a
 * choice is among the choices, that an exclusive answer stands alone, and size limits.
 */
export function checkQuestionValue(q: Question, value: unknown, dk = dkAllowed(q)): string[] {
  if (isEmpty(value)) return [];
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

function addError(errors: AnswerErrors, key: string, message: string) {
  const list = errors[key] ?? [];
  if (!list.includes(message)) list.push(message);
  errors[key] = list;
}

/**
 * Structural checks that hold for drafts and completions alike: every key is a question of the
 * instrument (or its comment), and every value has the question's type, choices and range.
 */
export function answerShapeErrors(model: Model, answers: Answers): AnswerErrors {
  const errors: AnswerErrors = {};
  const byValueName = new Map<string, Question>();
  for (const q of model.getAllQuestions(false, false, false)) byValueName.set(q.getValueName(), q);
  for (const [key, value] of Object.entries(answers)) {
    const commentOf = key.endsWith('-Comment') ? byValueName.get(key.slice(0, -'-Comment'.length)) : undefined;
    if (commentOf) {
      for (const e of checkText(value, ANSWER_LIMITS.textChars)) addError(errors, commentOf.name, `comment: ${e}`);
      continue;
    }
    const q = byValueName.get(key);
    if (!q) {
      addError(errors, '_answers', `"${key.slice(0, 40)}" is not a question of this survey`);
      continue;
    }
    for (const e of checkQuestionValue(q, value)) addError(errors, q.name, e);
  }
  return errors;
}

/**
 * SurveyJS's own range check would reject the "Don't know" code -7 in a count with min 0, so for
 * its run only, each -7 in a dk field is replaced by the field's lowest valid value.
 */
function standInForDontKnow(q: Question, value: unknown): unknown {
  const stand = (rule: NumericRule) => rule.min ?? 0;
  switch (q.getType()) {
    case 'text':
      return value === DONT_KNOW && dkAllowed(q) ? stand(numericRule(q)) : value;
    case 'matrixdropdown': {
      if (!isPlainObject(value)) return value;
      const matrix = q as QuestionMatrixDropdownModel;
      for (const rowValue of Object.values(value)) {
        if (!isPlainObject(rowValue)) continue;
        for (const column of matrix.columns) {
          if (rowValue[column.name] === DONT_KNOW && dkAllowed(column)) {
            rowValue[column.name] = stand(numericRule(column.templateQuestion));
          }
        }
      }
      return value;
    }
    case 'multipletext': {
      if (!isPlainObject(value)) return value;
      for (const item of (q as QuestionMultipleTextModel).items) {
        if (value[item.name] === DONT_KNOW && dkAllowed(item)) {
          value[item.name] = stand(numericRule(item));
        }
      }
      return value;
    }
    case 'paneldynamic': {
      if (!Array.isArray(value)) return value;
      const template = (q as QuestionPanelDynamicModel).template.questions;
      for (const entry of value) {
        if (!isPlainObject(entry)) continue;
        for (const inner of template) {
          const key = inner.getValueName();
          if (key in entry) entry[key] = standInForDontKnow(inner, entry[key]);
        }
      }
      return value;
    }
    default:
      return value;
  }
}

function withoutDontKnow(model: Model, answers: Answers): Answers {
  const copy = structuredClone(answers);
  for (const q of model.getAllQuestions(false, false, false)) {
    const key = q.getValueName();
    if (key in copy) copy[key] = standInForDontKnow(q, copy[key]);
  }
  return copy;
}

function topLevelName(q: Question): string {
  let current: Question = q;
  while (current.parentQuestion) current = current.parentQuestion;
  return current.name;
}

/** Everything that stops a completion: the shape checks, then SurveyJS's own validation. */
export function completionErrors(instrument: Instrument, answers: Answers): AnswerErrors {
  const errors = answerShapeErrors(instrumentStructure(instrument), answers);
  if (Object.keys(errors).length > 0) return errors;
  const model = createSurveyModel(instrument);
  model.data = withoutDontKnow(model, answers);
  if (!model.validate(true)) {
    for (const q of model.getAllQuestions(false, false, true)) {
      for (const e of q.errors) addError(errors, topLevelName(q), e.getText());
    }
    if (Object.keys(errors).length === 0) addError(errors, '_answers', 'The answers are not complete.');
  }
  return errors;
}

/** Answers to questions hidden by logic are dropped at completion, as SurveyJS's doComplete would. */
export function clearHiddenAnswers(instrument: Instrument, answers: Answers): Answers {
  const model = createSurveyModel(instrument);
  model.data = structuredClone(answers);
  for (const q of model.getAllQuestions(false, false, false)) {
    if (!q.isEmpty() && !q.isVisibleInSurvey) q.clearValue();
  }
  const cleaned: Answers = model.data;
  for (const key of Object.keys(cleaned)) {
    if (key.endsWith('-Comment') && isEmpty(cleaned[key.slice(0, -'-Comment'.length)])) delete cleaned[key];
  }
  return cleaned;
}
