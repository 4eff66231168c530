import type {
  Model,
  Question,
  QuestionMatrixDropdownModel,
  QuestionMultipleTextModel,
  QuestionPanelDynamicModel,
} from 'survey-core';
import {
  type AnswerErrors,
  type Answers,
  checkAnswerShape,
  createSurveyModel,
  instrumentStructure,
  isEmptyAnswer,
  isPlainObject,
} from './answers.js';
import { clientRuleErrors } from './clientRules.js';
import { computeMatrixCells, withoutClientComputed } from './computedValues.js';
import { DONT_KNOW, dkAllowed } from './extensions.js';
import type { HostValues } from './hostVariables.js';
import { type NumericRule, numericRule } from './numeric.js';
import type { Instrument } from './registry.js';
import { replayVisibleTriggers } from './triggers.js';

/**
 * The checks of a completion that need a SurveyJS model given the answers: the instrument's own
 * validation (required, validators, conditions) and clearing answers hidden by logic. Building
 * such a model of the Phase I survey takes ~40 ms, so the server runs these in worker threads
 * (validationPool.ts); they are plain functions here so tests and the worker call the same code.
 */

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

/**
 * SurveyJS's own validation of answers that already passed the shape checks, and the rules the
 * respondent app enforces by what it shows (clientRules.ts).
 */
export function surveyErrors(
  instrument: Pick<Instrument, 'survey'>,
  answers: Answers,
  host: HostValues = {},
): AnswerErrors {
  const errors: AnswerErrors = {};
  const model = createSurveyModel(instrument, host);
  model.data = withoutDontKnow(model, withoutClientComputed(model, answers));
  replayVisibleTriggers(model);
  const shown = clientRuleErrors(model, answers);
  if (!model.validate(true)) {
    for (const q of model.getAllQuestions(false, false, true)) {
      for (const e of q.errors) {
        const list = errors[topLevelName(q)] ?? [];
        if (!list.includes(e.getText())) list.push(e.getText());
        errors[topLevelName(q)] = list;
      }
    }
    if (Object.keys(errors).length === 0) errors._answers = ['The answers are not complete.'];
  }
  for (const [name, messages] of Object.entries(shown)) errors[name] = [...(errors[name] ?? []), ...messages];
  return errors;
}

/** Everything that stops a completion: the shape checks, then SurveyJS's own validation. */
export function completionErrors(instrument: Instrument, answers: Answers): AnswerErrors {
  const shape = checkAnswerShape(instrumentStructure(instrument), answers, instrument.meta.panelKeys);
  return shape.count > 0 ? shape.questions : surveyErrors(instrument, answers);
}

/** Answers to questions hidden by logic are dropped at completion, as SurveyJS's doComplete would. */
export function clearHiddenAnswers(
  instrument: Pick<Instrument, 'survey'>,
  answers: Answers,
  host: HostValues = {},
): Answers {
  const model = createSurveyModel(instrument, host);
  model.data = structuredClone(withoutClientComputed(model, answers));
  replayVisibleTriggers(model);
  computeMatrixCells(model);
  for (const q of model.getAllQuestions(false, false, false)) {
    if (!q.isEmpty() && !q.isVisibleInSurvey) q.clearValue();
  }
  const cleaned: Answers = model.data;
  for (const key of Object.keys(cleaned)) {
    if (key.endsWith('-Comment') && isEmptyAnswer(cleaned[key.slice(0, -'-Comment'.length)])) delete cleaned[key];
  }
  return cleaned;
}

export type CompletionVerdict = { ok: true; cleaned: Answers } | { ok: false; errors: AnswerErrors };

/**
 * The model-bound half of a completion, as one job: validate, then clear hidden answers; `host`
 * holds the case's host variables (meta.hostVariables), which conditions read as the browser did.
 */
export function judgeCompletion(
  instrument: Pick<Instrument, 'survey'>,
  answers: Answers,
  host: HostValues = {},
): CompletionVerdict {
  const errors = surveyErrors(instrument, answers, host);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, cleaned: clearHiddenAnswers(instrument, answers, host) };
}
