import {
  type Base,
  type Question,
  QuestionMatrixDropdownModelBase,
  QuestionMultipleTextModel,
  QuestionTextModel,
  type SurveyModel,
} from 'survey-core';
import { DONT_KNOW } from '../../server/instruments/extensions.js';

/**
 * "Don't know" for counts (the instrument's `dk` property). A dk count is rendered by the `countdk`
 * renderer (see CountDontKnow.tsx) wherever SurveyJS renders a text input: a question, a matrix
 * cell (the column's template carries `renderAs` into every cell) or a multiple-text item's editor.
 */
export const DONT_KNOW_RENDERER = 'countdk';

function allowsDontKnow(element: Base): boolean {
  return element.getPropertyValue('dk') === true;
}

function isNumberInput(question: Question): boolean {
  return question instanceof QuestionTextModel && question.inputType === 'number';
}

export function isDontKnowCount(question: Question): boolean {
  return question.renderAs === DONT_KNOW_RENDERER;
}

/** Call once per model, before answers are loaded, so every matrix cell is created with it. */
export function enableDontKnow(model: SurveyModel): void {
  for (const question of model.getAllQuestions(false, false, false)) {
    if (isNumberInput(question) && allowsDontKnow(question)) {
      question.renderAs = DONT_KNOW_RENDERER;
    } else if (question instanceof QuestionMatrixDropdownModelBase) {
      for (const column of question.columns) {
        if (allowsDontKnow(column) && isNumberInput(column.templateQuestion)) column.renderAs = DONT_KNOW_RENDERER;
      }
    } else if (question instanceof QuestionMultipleTextModel) {
      for (const item of question.items) {
        if (allowsDontKnow(item) && item.inputType === 'number') item.editor.renderAs = DONT_KNOW_RENDERER;
      }
    }
  }
  // -7 is below any count's `min`; it is an answer, not an out-of-range number.
  model.onValidateQuestion.add((_, options) => {
    if (options.value === DONT_KNOW && isDontKnowCount(options.question)) options.errors.splice(0);
  });
}

export function isDontKnow(question: Question): boolean {
  return question.value === DONT_KNOW;
}

export function setDontKnow(question: Question, dontKnow: boolean): void {
  if (!dontKnow) {
    question.clearValue();
    return;
  }
  question.value = DONT_KNOW;
  // SurveyJS keeps a number below `min` out of the survey data (QuestionTextModel.canSetValueToSurvey),
  // so the code is handed to the question's data holder (survey, matrix row or multiple-text) itself.
  question.data?.setValue(question.getValueName(), DONT_KNOW, false, true, question.name);
}
