import { Model, type Question, type QuestionMatrixDropdownModelBase } from 'survey-core';
import { ANSWER_LIMITS, describe } from './answerBasics.js';
import { COMPUTED_TYPES, checkComment, checkQuestionValue, hasCommentBox } from './answerTypes.js';
import { duplicateEntryKeys, duplicateKeyMessage, type PanelKeys } from './entryKeys.js';
import { applyHostValues, type HostValues } from './hostVariables.js';
import type { Instrument } from './registry.js';
import { allowedDepth, scanAnswer } from './valueScan.js';

export { ANSWER_LIMITS, isBlankAnswer, isEmptyAnswer, isPlainObject } from './answerBasics.js';
export { checkQuestionValue } from './answerTypes.js';

export type Answers = Record<string, unknown>;
/** Messages per question name; the key `_answers` holds problems that belong to no question. */
export type AnswerErrors = Record<string, string[]>;

/** A fresh model, for work that gives it answers (validation, clearing hidden answers). */
export function createSurveyModel(instrument: Pick<Instrument, 'survey'>, host: HostValues = {}): Model {
  const model = new Model(instrument.survey);
  applyHostValues(model, host);
  return model;
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

export type AnswerCheck = {
  questions: AnswerErrors;
  /** How many problems were found before the check stopped. */
  count: number;
  /** True when the check stopped at the limit: there may be more problems than listed. */
  truncated: boolean;
};

const COMMENT_SUFFIX = '-Comment';
/** How deeply nested a value a setvalue trigger may store (a trigger can set a whole matrix). */
const TRIGGERED_DEPTH = 3;
const TOTAL_SUFFIX = '-total';
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

/** Keys SurveyJS itself writes into the answers that belong to no question. */
type SurveyKeys = { calculated: Set<string>; triggered: Set<string> };
const surveyKeySets = new WeakMap<Model, SurveyKeys>();

function surveyKeys(model: Model): SurveyKeys {
  let keys = surveyKeySets.get(model);
  if (!keys) {
    const byValueName = questionsByValueName(model);
    keys = {
      // calculatedValues with includeIntoResult appear in the survey's data.
      calculated: new Set(model.calculatedValues.filter((c) => c.includeIntoResult).map((c) => c.name)),
      // A setvalue trigger naming no question stores its value under that name (unless isVariable).
      triggered: new Set(
        model.triggers
          .filter((t) => t.getType() === 'setvaluetrigger' && !t.getPropertyValue('isVariable'))
          .map((t) => String(t.getPropertyValue('setToName') ?? ''))
          .filter((name) => name !== '' && !byValueName.has(name)),
      ),
    };
    surveyKeySets.set(model, keys);
  }
  return keys;
}

/** What a top-level key of the answers holds. */
type KeyRole =
  | { kind: 'answer'; question: Question }
  | { kind: 'comment'; question: Question }
  | { kind: 'computed' }
  | { kind: 'triggered' }
  | { kind: 'unknown' };

export function roleOfKey(model: Model, key: string): KeyRole {
  const byValueName = questionsByValueName(model);
  const question = byValueName.get(key);
  if (question) return COMPUTED_TYPES.has(question.getType()) ? { kind: 'computed' } : { kind: 'answer', question };
  const { calculated, triggered } = surveyKeys(model);
  if (calculated.has(key)) return { kind: 'computed' };
  if (triggered.has(key)) return { kind: 'triggered' };
  if (key.endsWith(COMMENT_SUFFIX)) {
    // Only where SurveyJS shows a comment box: anything else is not part of the survey.
    const of = byValueName.get(key.slice(0, -COMMENT_SUFFIX.length));
    if (of && hasCommentBox(of)) return { kind: 'comment', question: of };
  }
  if (key.endsWith(TOTAL_SUFFIX)) {
    const of = byValueName.get(key.slice(0, -TOTAL_SUFFIX.length));
    if (of && (of.getType() === 'matrixdropdown' || of.getType() === 'matrixdynamic')) {
      if ((of as QuestionMatrixDropdownModelBase).hasTotal) return { kind: 'computed' };
    }
  }
  return { kind: 'unknown' };
}

/**
 * Structural checks that hold for drafts and completions alike: every key is a question of the
 * instrument (or its comment), every value has the question's type, nesting, choices and range,
 * and no two entries of a keyed repeating panel (meta.panelKeys) share a key.
 * One pass over the answers, stopping at `ANSWER_LIMITS.problems`; messages are not repeated.
 */
export function checkAnswerShape(model: Model, answers: Answers, panelKeys: PanelKeys = {}): AnswerCheck {
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
  // for-in, not Object.entries: a body of 30,000 unknown keys must not be copied before the first
  // few hundred of them end the check.
  for (const key in answers) {
    if (count >= ANSWER_LIMITS.problems) return { questions, count, truncated: true };
    const value = answers[key];
    const role = roleOfKey(model, key);
    // Values SurveyJS computes are never refused, so an autosave does not fail on them, and never
    // kept: drafts drop them and a completion stores the server's computation (computedValues.ts).
    if (role.kind === 'computed') continue;
    if (role.kind === 'unknown') add('_answers', `${describe(key)} is not a question of this survey`);
    else if (role.kind === 'triggered') {
      // The survey's own value (a trigger's setValue), kept with the answers: only its size is checked.
      const problem = scanAnswer(value, TRIGGERED_DEPTH);
      if (problem) add('_answers', `${describe(key)}: the value ${problem}`);
    } else if (role.kind === 'comment') {
      const problem = scanAnswer(value, 0);
      const found = problem ? [problem] : checkComment(value);
      for (const e of found) add(role.question.name, `comment: ${e}`);
    } else {
      const problem = scanAnswer(value, allowedDepth(role.question));
      const found = problem ? [`the answer ${problem}`] : checkQuestionValue(role.question, value);
      for (const e of found) add(role.question.name, e);
    }
  }
  if (count === 0 && Object.keys(panelKeys).length > 0) {
    for (const duplicate of duplicateEntryKeys(answers, panelKeys)) {
      if (count >= ANSWER_LIMITS.problems) return { questions, count, truncated: true };
      add(duplicate.question, duplicateKeyMessage(duplicate));
    }
  }
  return { questions, count, truncated: false };
}

/** The problems of `checkAnswerShape`, by question. */
export const answerShapeErrors = (model: Model, answers: Answers): AnswerErrors =>
  checkAnswerShape(model, answers).questions;
