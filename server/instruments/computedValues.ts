import type {
  MatrixDropdownColumn,
  Model,
  QuestionMatrixDropdownModelBase,
  QuestionPanelDynamicModel,
} from 'survey-core';
import { isPlainObject } from './answerBasics.js';
import { type Answers, roleOfKey } from './answers.js';
import { COMPUTED_TYPES } from './answerTypes.js';

const isMatrix = (type: string) => type === 'matrixdropdown' || type === 'matrixdynamic';

/** Row or entry objects without the keys `computed` names; the others are kept as they are. */
function withoutKeys(rows: unknown[], computed: string[]): unknown[] {
  return rows.map((row) => {
    if (!isPlainObject(row)) return row;
    const kept = { ...row };
    for (const key of computed) delete kept[key];
    return kept;
  });
}

/**
 * The answers without what a client sent for values SurveyJS computes: expression questions,
 * matrix totals, expression cells of matrix rows and expressions inside repeating panels. Given
 * the other answers, the model computes them itself, and that computation is what a completion
 * stores. Linear in the size of the answers; `answers` is not changed.
 */
export function withoutClientComputed(model: Model, answers: Answers): Answers {
  const kept: Answers = {};
  for (const key in answers) {
    const role = roleOfKey(model, key);
    if (role.kind === 'computed') continue;
    const value = answers[key];
    kept[key] = value;
    if (role.kind !== 'answer') continue;
    const q = role.question;
    const type = q.getType();
    if (isMatrix(type)) {
      const columns = (q as QuestionMatrixDropdownModelBase).columns as MatrixDropdownColumn[];
      const computed = columns.filter((c) => COMPUTED_TYPES.has(c.templateQuestion.getType())).map((c) => c.name);
      if (computed.length === 0) continue;
      if (Array.isArray(value)) kept[key] = withoutKeys(value, computed);
      else if (isPlainObject(value)) {
        const rows = Object.values(value);
        const cleaned = withoutKeys(rows, computed);
        kept[key] = Object.fromEntries(Object.keys(value).map((rowKey, i) => [rowKey, cleaned[i]]));
      }
    } else if (type === 'paneldynamic' && Array.isArray(value)) {
      const inner = (q as QuestionPanelDynamicModel).template.questions;
      const computed = inner.filter((t) => COMPUTED_TYPES.has(t.getType())).map((t) => t.getValueName());
      if (computed.length > 0) kept[key] = withoutKeys(value, computed);
    }
  }
  return kept;
}

/** Makes every matrix build its rows, which is when SurveyJS computes their expression cells. */
export function computeMatrixCells(model: Model): void {
  for (const q of model.getAllQuestions(false, false, false)) {
    if (isMatrix(q.getType())) void (q as QuestionMatrixDropdownModelBase).visibleRows;
  }
}
