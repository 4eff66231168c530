import type {
  ItemValue,
  Model,
  Question,
  QuestionMatrixDynamicModel,
  QuestionRankingModel,
  QuestionSelectBase,
} from 'survey-core';
import { ANSWER_LIMITS, describe, isEmptyAnswer } from './answerBasics.js';
import { choiceSetOf } from './answerChoices.js';
import type { AnswerErrors, Answers } from './answers.js';
import { COMPUTED_TYPES } from './answerTypes.js';

/**
 * Rules the respondent app enforces by what it shows, which survey-core's validate() does not
 * report: run on a model holding the answers (after validate), for questions the respondent sees.
 * A forged request could otherwise store what no respondent could have entered.
 */

const CHOICE_TYPES = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox', 'imagepicker', 'ranking']);

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * A value the respondent picked must be a choice shown to them (choicesVisibleIf, a choice's own
 * visibleIf, choicesFromQuestion) and enabled (choicesEnableIf, a choice's enableIf). Values that
 * are no choice at all ("Other" text stored as the value) passed the shape checks already.
 */
function choiceProblems(q: QuestionSelectBase, value: unknown, add: (message: string) => void): void {
  const visible = new Map<unknown, ItemValue>(q.visibleChoices.map((item) => [item.value, item]));
  const all = choiceSetOf(q);
  const values = asList(value);
  for (const v of values) {
    const item = visible.get(v);
    if (!item) {
      if (all.items.has(v)) add(`${describe(v)} is not one of the choices shown to this respondent`);
    } else if (!item.isEnabled) add(`${describe(v)} is a choice this respondent cannot select`);
  }
  if (q.getType() === 'ranking' && !(q as QuestionRankingModel).selectToRankEnabled) {
    if (new Set(values).size !== visible.size) add('every choice shown must be ranked');
  }
}

/** What the survey itself would put in a read-only question. */
function surveyOwnValue(q: Question, value: unknown): boolean {
  if (q.setValueExpression || q.defaultValueExpression) return true;
  const fallback = q.defaultValue;
  return !isEmptyAnswer(fallback) && JSON.stringify(fallback) === JSON.stringify(value);
}

/**
 * `model` holds `answers`; the values are read from `answers`, because a model given data already
 * adjusts some of them as its UI would (drops choices not shown, completes a ranking, pads a
 * dynamic matrix to minRowCount), which would hide what the request actually holds.
 */
export function clientRuleErrors(model: Model, answers: Answers): AnswerErrors {
  const errors: AnswerErrors = {};
  let count = 0;
  for (const q of model.getAllQuestions(false, false, false)) {
    if (count >= ANSWER_LIMITS.problems) break;
    const value = answers[q.getValueName()];
    if (isEmptyAnswer(value) || !q.isVisibleInSurvey || COMPUTED_TYPES.has(q.getType())) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    const add = (message: string) => {
      if (count >= ANSWER_LIMITS.problems) return;
      count++;
      const list = errors[q.name] ?? [];
      list.push(message);
      errors[q.name] = list;
    };
    // SurveyJS keeps the value of a question that becomes disabled and shows it greyed out, but a
    // respondent can never type into a disabled (enableIf false) or read-only question. Refused,
    // not cleared, so a forged answer is reported rather than silently stored or lost; the value
    // the survey itself puts there (defaultValue, setValueExpression, defaultValueExpression) passes.
    if (q.isReadOnly && !surveyOwnValue(q, value)) {
      add('cannot be answered: the survey does not let this respondent change it');
      continue;
    }
    const type = q.getType();
    if (CHOICE_TYPES.has(type)) choiceProblems(q as QuestionSelectBase, value, add);
    if (type === 'matrixdynamic') {
      // The respondent app keeps minRowCount rows (empty ones as {}) once any row is filled.
      const { minRowCount } = q as QuestionMatrixDynamicModel;
      const rows = asList(value).length;
      if (rows < minRowCount) add(`at least ${minRowCount} rows are required, ${rows} given`);
    }
  }
  return errors;
}
