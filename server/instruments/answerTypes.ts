import type {
  ItemValue,
  MatrixDropdownColumn,
  MultipleTextItemModel,
  Question,
  QuestionBooleanModel,
  QuestionCheckboxModel,
  QuestionImagePickerModel,
  QuestionMatrixDropdownModelBase,
  QuestionMatrixDynamicModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionPanelDynamicModel,
  QuestionRankingModel,
  QuestionRatingModel,
  QuestionSelectBase,
  QuestionTextModel,
} from 'survey-core';
import {
  ANSWER_LIMITS,
  cachedPer,
  checkText,
  describe,
  isEmptyAnswer,
  isPlainObject,
  Problems,
} from './answerBasics.js';
import {
  checkBoolean,
  checkImagePicker,
  checkMultipleChoice,
  checkRanking,
  checkRating,
  checkSingleChoice,
  checkSlider,
  choiceSetOf,
} from './answerChoices.js';
import { checkTextAnswer } from './answerText.js';
import { dkAllowed } from './extensions.js';
import { matrixRowsAreLists } from './valueScan.js';

const COMMENT_SUFFIX = '-Comment';
const SELECT_TYPES = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox']);
/** Types whose value SurveyJS computes: a client's value is ignored, never refused. */
export const COMPUTED_TYPES = new Set(['expression']);

/**
 * Whether SurveyJS stores a `<name>-Comment` value for the question: its comment area, or the
 * "Other" text when that is kept apart from the value (storeOthersAsComment, the default).
 */
export function hasCommentBox(q: Question): boolean {
  if (q.showCommentArea) return true;
  if (!SELECT_TYPES.has(q.getType())) return false;
  const select = q as QuestionSelectBase;
  return select.showOtherItem && select.getStoreOthersAsComment();
}

/** The text of a comment box: any text up to the limit. */
export const checkComment = (value: unknown) => checkText(value, ANSWER_LIMITS.textChars);

/** Keys of a row or entry object: the inner question (or cell) it answers, or its comment. */
type Slot<T> = { owner: T; comment: boolean } | undefined;

function slotOf<T>(byName: Map<string, T>, key: string, commentBox: (owner: T) => boolean): Slot<T> {
  const owner = byName.get(key);
  if (owner) return { owner, comment: false };
  if (!key.endsWith(COMMENT_SUFFIX)) return undefined;
  const of = byName.get(key.slice(0, -COMMENT_SUFFIX.length));
  return of && commentBox(of) ? { owner: of, comment: true } : undefined;
}

const rowLookups = new WeakMap<Question, Map<string, ItemValue>>();
const columnLookups = new WeakMap<Question, Map<string, MatrixDropdownColumn>>();
const itemLookups = new WeakMap<Question, Map<string, MultipleTextItemModel>>();
const entryLookups = new WeakMap<Question, Map<string, Question>>();
const matrixColumnValues = new WeakMap<Question, Map<unknown, ItemValue>>();

const rowsOf = (q: QuestionMatrixModel | QuestionMatrixDropdownModelBase) =>
  cachedPer(rowLookups, q, () => new Map((q.rows as ItemValue[]).map((r) => [String(r.value), r])));

function checkMatrix(q: QuestionMatrixModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of row answers`];
  const rows = rowsOf(q);
  const columns = cachedPer(matrixColumnValues, q, () => new Map((q.columns as ItemValue[]).map((c) => [c.value, c])));
  const lists = matrixRowsAreLists(q);
  const problems = new Problems();
  for (const rowKey in value) {
    if (problems.full) break;
    const row = rows.get(rowKey);
    const cell = value[rowKey];
    if (!row) problems.add(`row ${describe(rowKey)} does not exist`);
    else if (isEmptyAnswer(cell)) continue;
    else if (!lists) {
      if (!columns.has(cell)) problems.add(`row "${row.text}": ${describe(cell)} is not one of the choices`);
    } else if (!Array.isArray(cell)) problems.add(`row "${row.text}": ${describe(cell)} is not a list of choices`);
    else {
      const picked = new Set<unknown>();
      for (const v of cell) {
        if (!columns.has(v)) problems.add(`row "${row.text}": ${describe(v)} is not one of the choices`);
        else if (picked.has(v)) problems.add(`row "${row.text}": ${describe(v)} is chosen twice`);
        picked.add(v);
      }
    }
  }
  return problems.messages;
}

/** A cell: checked as its column's question, with the matrix's shared choices when the column has none. */
function checkCell(matrix: QuestionMatrixDropdownModelBase, column: MatrixDropdownColumn, cell: unknown): string[] {
  const template = column.templateQuestion;
  const type = template.getType();
  if (!SELECT_TYPES.has(type)) return checkQuestionValue(template, cell, dkAllowed(column));
  const set = choiceSetOf(template as QuestionSelectBase, matrix.choices as ItemValue[]);
  return type === 'radiogroup' || type === 'dropdown'
    ? checkSingleChoice(template as QuestionSelectBase, cell, set)
    : checkMultipleChoice(template as QuestionCheckboxModel, cell, set);
}

/** One row of a matrixdropdown or matrixdynamic: `{ columnName: cellValue }`; expression cells are computed. */
function checkMatrixRow(
  q: QuestionMatrixDropdownModelBase,
  rowValue: unknown,
  where: string,
  problems: Problems,
): void {
  if (!isPlainObject(rowValue)) {
    problems.add(`${where}: ${describe(rowValue)} is not a set of answers`);
    return;
  }
  const columns = cachedPer(columnLookups, q, () => new Map(q.columns.map((c) => [c.name, c])));
  for (const columnName in rowValue) {
    if (problems.full) return;
    const cell = rowValue[columnName];
    const slot = slotOf(columns, columnName, (c) => hasCommentBox(c.templateQuestion));
    if (!slot) {
      problems.add(`${where}: column ${describe(columnName)} does not exist`);
      continue;
    }
    if (isEmptyAnswer(cell) || COMPUTED_TYPES.has(slot.owner.templateQuestion.getType())) continue;
    const found = slot.comment ? checkComment(cell) : checkCell(q, slot.owner, cell);
    const label = `${where}, column "${slot.owner.title}"${slot.comment ? ' comment' : ''}`;
    for (const e of found) problems.add(`${label}: ${e}`);
  }
}

function checkMatrixDropdown(q: QuestionMatrixDropdownModelBase, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of row answers`];
  const rows = rowsOf(q);
  const problems = new Problems();
  for (const rowKey in value) {
    if (problems.full) break;
    const row = rows.get(rowKey);
    if (!row) problems.add(`row ${describe(rowKey)} does not exist`);
    else checkMatrixRow(q, value[rowKey], `row "${row.text}"`, problems);
  }
  return problems.messages;
}

/** A list of rows; fewer than minRowCount is a completion rule (clientRules.ts), drafts may be partial. */
function checkMatrixDynamic(q: QuestionMatrixDynamicModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of rows`];
  const limit = q.maxRowCount > 0 ? Math.min(q.maxRowCount, ANSWER_LIMITS.matrixRows) : ANSWER_LIMITS.matrixRows;
  if (value.length > limit) return [`at most ${limit} rows are allowed`];
  const problems = new Problems();
  for (const [index, rowValue] of value.entries()) {
    if (problems.full) break;
    checkMatrixRow(q, rowValue, `row ${index + 1}`, problems);
  }
  return problems.messages;
}

function checkMultipleText(q: QuestionMultipleTextModel, value: unknown): string[] {
  if (!isPlainObject(value)) return [`${describe(value)} is not a set of answers`];
  const items = cachedPer(itemLookups, q, () => new Map(q.items.map((i: MultipleTextItemModel) => [i.name, i])));
  const problems = new Problems();
  for (const itemName in value) {
    if (problems.full) break;
    const item = items.get(itemName);
    const itemValue = value[itemName];
    if (!item) problems.add(`item ${describe(itemName)} does not exist`);
    else if (!isEmptyAnswer(itemValue)) {
      for (const e of checkTextAnswer(item, itemValue, dkAllowed(item)))
        problems.add(`"${item.title || item.name}": ${e}`);
    }
  }
  return problems.messages;
}

function checkPanelDynamic(q: QuestionPanelDynamicModel, value: unknown): string[] {
  if (!Array.isArray(value)) return [`${describe(value)} is not a list of entries`];
  const limit = q.maxPanelCount > 0 ? Math.min(q.maxPanelCount, ANSWER_LIMITS.panels) : ANSWER_LIMITS.panels;
  if (value.length > limit) return [`at most ${limit} entries are allowed`];
  const inner = cachedPer(entryLookups, q, () => new Map(q.template.questions.map((t) => [t.getValueName(), t])));
  const problems = new Problems();
  for (const [index, entry] of value.entries()) {
    if (problems.full) break;
    if (!isPlainObject(entry)) {
      problems.add(`entry ${index + 1}: ${describe(entry)} is not a set of answers`);
      continue;
    }
    for (const key in entry) {
      if (problems.full) break;
      const v = entry[key];
      const slot = slotOf(inner, key, hasCommentBox);
      if (!slot) problems.add(`entry ${index + 1}: ${describe(key)} is not a question of this entry`);
      else if (!isEmptyAnswer(v)) {
        const found = slot.comment ? checkComment(v) : checkQuestionValue(slot.owner, v);
        const label = `entry ${index + 1}, "${slot.owner.name}"${slot.comment ? ' comment' : ''}`;
        for (const e of found) problems.add(`${label}: ${e}`);
      }
    }
  }
  return problems.messages;
}

/**
 * What SurveyJS does not check (stack notes): that a value has its question's shape, that a choice
 * is among the choices as the survey defines them, that an exclusive answer stands alone, formats
 * of typed inputs and masks, and size limits. Values SurveyJS computes (expressions) are not
 * checked: the server recomputes them at completion.
 */
export function checkQuestionValue(q: Question, value: unknown, dk = dkAllowed(q)): string[] {
  if (isEmptyAnswer(value)) return [];
  switch (q.getType()) {
    case 'text':
      return checkTextAnswer(q as QuestionTextModel, value, dk);
    case 'comment':
      return checkText(
        value,
        q.getPropertyValue('maxLength') > 0 ? q.getPropertyValue('maxLength') : ANSWER_LIMITS.commentChars,
      );
    case 'radiogroup':
    case 'dropdown':
      return checkSingleChoice(q as QuestionSelectBase, value);
    case 'checkbox':
    case 'tagbox':
      return checkMultipleChoice(q as QuestionCheckboxModel, value);
    case 'ranking':
      return checkRanking(q as QuestionRankingModel, value);
    case 'imagepicker':
      return checkImagePicker(q as QuestionImagePickerModel, value);
    case 'rating':
      return checkRating(q as QuestionRatingModel, value);
    case 'slider':
      return checkSlider(q, value);
    case 'boolean':
      return checkBoolean(q as QuestionBooleanModel, value);
    case 'matrix':
      return checkMatrix(q as QuestionMatrixModel, value);
    case 'matrixdropdown':
      return checkMatrixDropdown(q as QuestionMatrixDropdownModelBase, value);
    case 'matrixdynamic':
      return checkMatrixDynamic(q as QuestionMatrixDynamicModel, value);
    case 'multipletext':
      return checkMultipleText(q as QuestionMultipleTextModel, value);
    case 'paneldynamic':
      return checkPanelDynamic(q as QuestionPanelDynamicModel, value);
    case 'expression':
      return [];
    case 'html':
    case 'image':
      return ['shows content only and cannot be answered'];
    // This platform keeps answers as JSON in SQLite; files and signature images (data URLs of
    // hundreds of kilobytes) are neither stored nor exported, so no value is accepted for them.
    case 'file':
      return ['file uploads are not accepted by this survey platform'];
    case 'signaturepad':
      return ['signatures are not accepted by this survey platform'];
    default:
      return [`questions of type "${q.getType()}" cannot be answered here`];
  }
}
