import {
  EmailValidator,
  type ItemValue,
  Model,
  type MultipleTextItemModel,
  NumericValidator,
  type PanelModel,
  type Question,
  type QuestionBooleanModel,
  type QuestionCheckboxModel,
  type QuestionImagePickerModel,
  type QuestionMatrixDropdownModelBase,
  type QuestionMatrixDynamicModel,
  type QuestionMatrixModel,
  type QuestionMultipleTextModel,
  type QuestionPanelDynamicModel,
  type QuestionRatingModel,
  type QuestionSelectBase,
  type QuestionTextModel,
  RegexValidator,
  type SurveyValidator,
  TextValidator,
} from 'survey-core';
import '../../server/instruments/extensions.js';
import { numericRule } from '../../server/instruments/numeric.js';

/**
 * Valid answers to any SurveyJS survey, generated from survey-core's own model of it: pages in
 * order, every question the respondent sees (after the answers before it, so visibleIf, enableIf,
 * choicesVisibleIf and choicesFromQuestion apply), a value of the question's type within its
 * choices, range, length and validators. Each value is set on the model as it is generated, as the
 * respondent app would, so the result is what that app would post.
 */

/** A question this generator cannot answer; the reason goes into the test's exceptions table. */
export class CannotGenerate extends Error {}

/** Text that passes simple regex validators found in public surveys, tried in order. */
const REGEX_CANDIDATES = [
  '123456789',
  'Answer text',
  'ABC-1234',
  'someone@example.org',
  '12345',
  'Abc',
  'CR-2017',
  'a',
];

const isA = <T extends SurveyValidator>(v: SurveyValidator, kind: new (...args: never[]) => T): v is T =>
  v instanceof kind;

/** Plain text within the owner's length limits and validators. */
function plainText(owner: { maxLength: number; validators: SurveyValidator[] }, base = 'Answer text'): string {
  const regexes = owner.validators.filter((v) => isA(v, RegexValidator)).map((v) => new RegExp(v.regex));
  let text = base;
  if (regexes.length > 0) {
    const match = REGEX_CANDIDATES.find((c) => regexes.every((r) => r.test(c)));
    if (!match) throw new CannotGenerate(`no generated text matches ${regexes.join(', ')}`);
    text = match;
  }
  for (const v of owner.validators.filter((v) => isA(v, TextValidator))) {
    if (v.minLength > 0 && text.length < v.minLength) text = text.padEnd(v.minLength, ' and more text');
    if (v.maxLength > 0) text = text.slice(0, v.maxLength);
  }
  return owner.maxLength > 0 ? text.slice(0, owner.maxLength) : text;
}

const hasValidator = (validators: SurveyValidator[], kind: new (...args: never[]) => SurveyValidator) =>
  validators.some((v) => v instanceof kind);

/** A number within min/max (properties and numeric validators), whole unless the step is fractional. */
function numberWithin(owner: Parameters<typeof numericRule>[0]): number {
  const rule = numericRule(owner, false);
  let n = 5;
  if (rule.min !== undefined && n < rule.min) n = rule.min;
  if (rule.max !== undefined && n > rule.max) n = rule.max;
  return rule.integer ? Math.ceil(n) : n;
}

/** Values of the input types browsers store as formatted text; within the question's min/max. */
const FORMATTED: Record<string, string> = {
  date: '2020-05-17',
  time: '09:30',
  'datetime-local': '2020-05-17T09:30',
  month: '2020-05',
  week: '2020-W20',
  email: 'someone@example.org',
  url: 'https://example.org/',
  tel: '+1 555 0100',
  color: '#336699',
};

function withinTextRange(q: { getPropertyValue(name: string): unknown }, value: string): string {
  const min = q.getPropertyValue('min');
  const max = q.getPropertyValue('max');
  if (typeof min === 'string' && min !== '' && value < min) return min;
  if (typeof max === 'string' && max !== '' && value > max) return max;
  return value;
}

/** What a masked input stores unmasked: a number for numeric masks, the typed characters for patterns. */
function maskedValue(q: QuestionTextModel): unknown {
  const mask = q.maskSettings;
  let raw: unknown;
  if (q.maskType === 'numeric' || q.maskType === 'currency') raw = 12;
  else if (q.maskType === 'pattern') {
    const pattern = String(mask.getPropertyValue('pattern') ?? '');
    raw = [...pattern].map((c) => (c === '9' || c === '#' ? '1' : c === 'a' ? 'A' : '')).join('');
  } else if (q.maskType === 'datetime') raw = '2020-05-17';
  else throw new CannotGenerate(`mask type "${q.maskType}"`);
  return mask.saveMaskedValue ? mask.getMaskedValue(raw) : raw;
}

/** A text question, or a multiple-text item's editor with the item's validators. */
function textValue(q: QuestionTextModel, validators = q.validators): unknown {
  if (q.maskType && q.maskType !== 'none') return maskedValue(q);
  const owner = { getPropertyValue: (name: string) => q.getPropertyValue(name), validators };
  if (q.inputType === 'number' || q.inputType === 'range') return numberWithin(owner);
  const formatted = FORMATTED[q.inputType];
  if (formatted) return withinTextRange(q, formatted);
  if (hasValidator(validators, EmailValidator)) return FORMATTED.email;
  // A numeric validator on a text input: SurveyJS accepts number-like text, which is what is typed.
  if (hasValidator(validators, NumericValidator)) return String(numberWithin(owner));
  return plainText({ maxLength: q.maxLength, validators });
}

/** Ordinary choices the respondent can pick: shown, enabled, not "Other", "None" or exclusive. */
function pickable(q: QuestionSelectBase): ItemValue[] {
  const specials = new Set<unknown>([q.otherItem, q.noneItem, q.refuseItem, q.dontKnowItem]);
  const selectAll = (q as QuestionCheckboxModel).selectAllItem;
  return q.visibleChoices.filter(
    (item) => item.isEnabled && !specials.has(item) && item !== selectAll && !item.isExclusive,
  );
}

function singleChoice(q: QuestionSelectBase): unknown {
  const [first] = pickable(q);
  if (first) return first.value;
  if (q.isRequired) throw new CannotGenerate(`required "${q.name}" shows no choices (choicesByUrl?)`);
  return undefined;
}

function multipleChoice(q: QuestionCheckboxModel): unknown[] | undefined {
  const items = pickable(q);
  if (items.length === 0) {
    if (q.isRequired) throw new CannotGenerate(`required "${q.name}" shows no choices (choicesByUrl?)`);
    return undefined;
  }
  let count = Math.max(2, q.minSelectedChoices);
  if (q.maxSelectedChoices > 0) count = Math.min(count, q.maxSelectedChoices);
  return items.slice(0, count).map((item) => item.value);
}

function fillMatrix(q: QuestionMatrixModel): void {
  const [column] = q.visibleColumns as ItemValue[];
  if (!column || !q.isEmpty()) return;
  // With cellType "checkbox" a row holds a list of columns.
  const cell = q.getPropertyValue('cellType') === 'checkbox' ? [column.value] : column.value;
  q.value = Object.fromEntries(q.visibleRows.map((row) => [row.name, cell]));
}

/** Rows of a matrixdropdown or matrixdynamic: every visible cell answered through its own question. */
function fillMatrixCells(q: QuestionMatrixDropdownModelBase): void {
  for (const row of q.visibleRows) {
    for (const cell of row.cells) {
      if (cell.question?.isVisible) fill(cell.question);
    }
  }
}

function rowsToAdd(q: QuestionMatrixDynamicModel): number {
  let rows = Math.max(q.rowCount, 1, q.minRowCount);
  if (q.maxRowCount > 0) rows = Math.min(rows, q.maxRowCount);
  return rows;
}

function fillPanelDynamic(q: QuestionPanelDynamicModel): void {
  if (q.panelCount < 1) q.panelCount = 1;
  for (const panel of q.panels as PanelModel[]) {
    for (const inner of panel.questions) if (inner.isVisible) fill(inner);
  }
}

function fillMultipleText(q: QuestionMultipleTextModel): void {
  for (const item of q.items as MultipleTextItemModel[]) item.value = textValue(item.editor, item.validators);
}

/** A value for a question answered as a whole; undefined for nothing to answer (no choices shown). */
function scalarValue(q: Question): unknown {
  switch (q.getType()) {
    case 'text':
      return textValue(q as QuestionTextModel);
    case 'comment':
      return plainText(q as unknown as Parameters<typeof plainText>[0], 'A comment of some length');
    case 'radiogroup':
    case 'dropdown':
      return singleChoice(q as QuestionSelectBase);
    case 'imagepicker': {
      const picker = q as QuestionImagePickerModel;
      return picker.multiSelect ? multipleChoice(q as QuestionCheckboxModel) : singleChoice(picker);
    }
    case 'checkbox':
    case 'tagbox':
      return multipleChoice(q as QuestionCheckboxModel);
    case 'ranking':
      return pickable(q as QuestionSelectBase)
        .map((item) => item.value)
        .reverse();
    case 'boolean':
      return (q as QuestionBooleanModel).valueTrue ?? true;
    case 'rating': {
      const values = (q as QuestionRatingModel).visibleRateValues;
      return values[Math.floor(values.length / 2)]?.value;
    }
    case 'slider': {
      // One step above min (two numbers for a range), inside any range-length limits by default.
      const min = Number(q.getPropertyValue('min') ?? 0);
      const step = Number(q.getPropertyValue('step') ?? 1);
      return q.getPropertyValue('sliderType') === 'range' ? [min, min + step] : min + step;
    }
    case 'expression':
    case 'html':
    case 'image':
      return undefined;
    default:
      throw new CannotGenerate(`questions of type "${q.getType()}"`);
  }
}

/** Gives `q` a valid value, in place; nested questions (cells, panel entries, items) one by one. */
export function fill(q: Question): void {
  if (q.isReadOnly) return;
  switch (q.getType()) {
    case 'matrix':
      fillMatrix(q as QuestionMatrixModel);
      break;
    case 'matrixdropdown':
      fillMatrixCells(q as QuestionMatrixDropdownModelBase);
      break;
    case 'matrixdynamic': {
      const matrix = q as QuestionMatrixDynamicModel;
      matrix.rowCount = rowsToAdd(matrix);
      fillMatrixCells(matrix);
      break;
    }
    case 'multipletext':
      fillMultipleText(q as QuestionMultipleTextModel);
      break;
    case 'paneldynamic':
      fillPanelDynamic(q as QuestionPanelDynamicModel);
      break;
    default: {
      // A value already there (defaultValue, a trigger's) is kept.
      if (!q.isEmpty()) return;
      const value = scalarValue(q);
      if (value !== undefined) q.value = value;
    }
  }
}

export type Generated = { model: Model; answers: Record<string, unknown> };

/**
 * Answers every question the respondent would see, page by page, and returns the model (holding
 * them) and the answers as the respondent app posts them (`model.data`).
 */
export function generateAnswers(survey: Record<string, unknown>): Generated {
  const model = new Model(survey);
  for (const page of model.pages) {
    for (const q of page.questions) {
      // Checked one by one: an answer given just before may show or hide the next question.
      if (q.isVisible && q.isVisibleInSurvey) fill(q);
    }
  }
  return { model, answers: structuredClone(model.data) };
}

/** survey-core's own verdict on the generated answers: the error texts by question, none when valid. */
export function surveyCoreErrors(model: Model): Record<string, string[]> {
  if (model.validate(true)) return {};
  const errors: Record<string, string[]> = {};
  for (const q of model.getAllQuestions(false, false, true)) {
    if (q.errors.length > 0) errors[q.name] = q.errors.map((e) => e.getText());
  }
  return errors;
}
