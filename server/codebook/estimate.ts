import type {
  ItemValue,
  MatrixDropdownColumn,
  MultipleTextItemModel,
  Question,
  QuestionMatrixDropdownModel,
  QuestionMatrixModel,
  QuestionPanelDynamicModel,
  SurveyModel,
} from 'survey-core';
import { isNumericInput } from '../instruments/numeric.js';

/**
 * How long an instrument takes, estimated from its text: silent reading at 200 words a minute
 * (a conservative adult rate for functional text) plus a time per answer by the kind of answer;
 * counts take longest, as respondents look them up in their records.
 * Every item counts, including those that logic may hide, so this is the length of the longest
 * path; interviewer-mode note fields count the conversation they record.
 */
export const READING_WORDS_PER_MINUTE = 200;
export const SECONDS_PER_ANSWER = Object.freeze({
  choice: 5,
  checkboxOption: 1.5,
  matrixRow: 4,
  numberEntry: 15,
  gridCell: 10,
  textEntry: 10,
  longTextSelf: 60,
  interviewNotes: 360,
});

export type ReadingEstimate = {
  words: number;
  answers: number;
  readingMinutes: number;
  answeringMinutes: number;
  totalMinutes: number;
  method: string;
};

const words = (text: string | undefined) => (text ? text.split(/\s+/).filter(Boolean).length : 0);

function questionCost(q: Question, interviewer: boolean): { words: number; seconds: number; answers: number } {
  let w = words(q.title) + words(q.description);
  let seconds = 0;
  let answers = 1;
  const s = SECONDS_PER_ANSWER;
  switch (q.getType()) {
    case 'radiogroup':
    case 'dropdown':
    case 'boolean': {
      const choices = (q.getPropertyValue('choices') as ItemValue[] | undefined) ?? [];
      // A long dropdown (a list of states) is searched, not read.
      if (q.getType() !== 'dropdown') w += choices.reduce((n, c) => n + words(c.text), 0);
      seconds = s.choice;
      break;
    }
    case 'checkbox': {
      const choices = q.getPropertyValue('choices') as ItemValue[];
      w += choices.reduce((n, c) => n + words(c.text), 0);
      seconds = s.choice + choices.length * s.checkboxOption;
      break;
    }
    case 'matrix': {
      const rows = q.getPropertyValue('rows') as ItemValue[];
      const columns = (q as QuestionMatrixModel).columns as ItemValue[];
      w += rows.reduce((n, r) => n + words(r.text), 0) + columns.reduce((n, c) => n + words(c.text), 0);
      seconds = rows.length * s.matrixRow;
      answers = rows.length;
      break;
    }
    case 'matrixdropdown': {
      const m = q as QuestionMatrixDropdownModel;
      const rows = m.rows as ItemValue[];
      w +=
        rows.reduce((n, r) => n + words(r.text), 0) +
        m.columns.reduce((n: number, c: MatrixDropdownColumn) => n + words(c.title), 0);
      answers = rows.length * m.columns.length;
      seconds = answers * s.gridCell;
      break;
    }
    case 'multipletext': {
      const items = q.getPropertyValue('items') as MultipleTextItemModel[];
      w += items.reduce((n, i) => n + words(i.title), 0);
      answers = items.length;
      seconds = items.reduce((n, i) => n + (isNumericInput(i.inputType) ? s.numberEntry : s.textEntry), 0);
      break;
    }
    case 'paneldynamic': {
      const panel = q as QuestionPanelDynamicModel;
      const inner = panel.template.questions.map((t) => questionCost(t, interviewer));
      const perEntry = inner.reduce(
        (n, c) => ({ words: n.words + c.words, seconds: n.seconds + c.seconds, answers: n.answers + c.answers }),
        { words: 0, seconds: 0, answers: 0 },
      );
      // Two entries: the typical case has more than one defendant; the text is read once.
      const entries = 2;
      return { words: w + perEntry.words, seconds: perEntry.seconds * entries, answers: perEntry.answers * entries };
    }
    case 'comment':
      seconds = interviewer ? s.interviewNotes : s.longTextSelf;
      break;
    case 'text':
      seconds = isNumericInput(q.getPropertyValue('inputType') as string) ? s.numberEntry : s.textEntry;
      break;
    default:
      answers = 0;
  }
  return { words: w, seconds, answers };
}

export function readingEstimate(model: SurveyModel, mode: 'self' | 'interviewer' = 'self'): ReadingEstimate {
  const interviewer = mode === 'interviewer';
  let totalWords = words(model.title) + words(model.description);
  let seconds = 0;
  let answers = 0;
  for (const page of model.pages) totalWords += words(page.title) + words(page.description);
  for (const q of model.getAllQuestions(false, false, false)) {
    const cost = questionCost(q, interviewer);
    totalWords += cost.words;
    seconds += cost.seconds;
    answers += cost.answers;
  }
  const readingMinutes = totalWords / READING_WORDS_PER_MINUTE;
  const answeringMinutes = seconds / 60;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    words: totalWords,
    answers,
    readingMinutes: round1(readingMinutes),
    answeringMinutes: round1(answeringMinutes),
    totalMinutes: Math.round(readingMinutes + answeringMinutes),
    method:
      `Reading: every title, description and choice text at ${READING_WORDS_PER_MINUTE} words a minute. ` +
      `Answering: ${SECONDS_PER_ANSWER.choice} s per single choice, ${SECONDS_PER_ANSWER.checkboxOption} s per multi-select option, ` +
      `${SECONDS_PER_ANSWER.matrixRow} s per matrix row, ${SECONDS_PER_ANSWER.numberEntry} s per count, ${SECONDS_PER_ANSWER.gridCell} s per grid cell, ` +
      `${SECONDS_PER_ANSWER.textEntry} s per short text, ${interviewer ? `${SECONDS_PER_ANSWER.interviewNotes / 60} min of conversation per note field` : `${SECONDS_PER_ANSWER.longTextSelf} s per long text`}. ` +
      'Items that logic may hide are counted, so this is the longest path.',
  };
}
