import type { ItemValue, Question, QuestionMatrixDropdownModel, QuestionMatrixModel } from 'survey-core';
import type { CheckProblem } from './checkProblem.js';
import { MISSING_CODES } from './missingCodes.js';
import { QUESTION_NAME } from './schema.js';

/** Question types the platform can validate, store and export. */
export const SUPPORTED_QUESTION_TYPES = new Set([
  'text',
  'comment',
  'radiogroup',
  'checkbox',
  'dropdown',
  'boolean',
  'matrix',
  'matrixdropdown',
  'multipletext',
  'paneldynamic',
  'panel',
  'expression',
  'html',
  'image',
  'rating',
  'tagbox',
  'ranking',
  'imagepicker',
  'matrixdynamic',
  'slider',
]);

/** Types SurveyJS has that the platform refuses, and why, in words for the instrument's author. */
const REFUSED_TYPES: Record<string, string> = {
  file: 'file uploads are not accepted: a survey dataset holds answers, not documents; ask for the information as text or choices',
  signaturepad:
    'signatures are not accepted: a signature image cannot go into a dataset; ask for consent as a yes/no question',
};

/** Cell types of a matrix of dropdowns whose values the platform can validate and export. */
const CHOICE_CELL_TYPES = new Set(['dropdown', 'radiogroup', 'checkbox', 'tagbox']);
const SUPPORTED_CELL_TYPES = new Set([
  'text',
  'comment',
  'dropdown',
  'radiogroup',
  'checkbox',
  'tagbox',
  'boolean',
  'rating',
  'expression',
]);

/** Codes reserved study-wide, and the wording each may carry. */
const RESERVED_WORDING: Record<number, RegExp | null> = {
  [MISSING_CODES.preferNot.code]: /prefer not|decline|refus/i,
  [MISSING_CODES.dontKnow.code]: /don.?t know|not known|unknown|not sure|not in (the )?file/i,
  // Added by the export from the logic; an instrument never offers them.
  [MISSING_CODES.skipped.code]: null,
  [MISSING_CODES.notAnswered.code]: null,
};
const RESERVED_MEANINGS = Object.fromEntries(
  Object.values(MISSING_CODES).map((m) => [m.code, { meaning: m.label, pattern: RESERVED_WORDING[m.code] ?? null }]),
) as Record<number, { meaning: string; pattern: RegExp | null }>;

/** A multi-select choice that means "none of these" must exclude every other choice. */
const READS_AS_NONE = /^(none\b|no special arrangement|nothing\b|not applicable\b|no one\b|none of)/i;

function checkChoices(q: Question, label: string, items: ItemValue[], problems: CheckProblem[], multi: boolean) {
  for (const item of items) {
    const { value } = item;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      problems.push({
        rule: 'choice-code',
        question: q.name,
        message: `${label} "${item.text}" has the code ${JSON.stringify(value)}; codes must be integers`,
      });
      continue;
    }
    const reserved = RESERVED_MEANINGS[value];
    if (reserved && !reserved.pattern?.test(item.text)) {
      problems.push({
        rule: 'reserved-code',
        question: q.name,
        message: `code ${value} is reserved for "${reserved.meaning}" but labels "${item.text}"`,
      });
    }
    if (multi && reserved) {
      problems.push({
        rule: 'reserved-code',
        question: q.name,
        message: `a multi-select cannot offer the code ${value} ("${item.text}"): it would export as a column ${q.name}_${value}`,
      });
    }
    if (multi && READS_AS_NONE.test(item.text.trim()) && !item.isExclusive) {
      problems.push({
        rule: 'exclusive-none',
        question: q.name,
        message: `"${item.text}" must be exclusive ("isExclusive": true) so it cannot be chosen with other answers`,
      });
    }
  }
}

/**
 * The rules one question must pass. With a variable map (`mapped`), names and choice values may be
 * anything SurveyJS allows: the map gives the variable names and codes, and is checked on its own.
 */
function checkCellTypes(q: Question, problems: CheckProblem[]) {
  for (const column of (q as QuestionMatrixDropdownModel).columns) {
    const cellType = column.templateQuestion.getType();
    if (!SUPPORTED_CELL_TYPES.has(cellType)) {
      problems.push({
        rule: 'type',
        question: q.name,
        message: `column "${column.name}" has cell type "${cellType}", which is not supported (use ${[...SUPPORTED_CELL_TYPES].join(', ')})`,
      });
    }
  }
}

export function checkQuestion(q: Question, problems: CheckProblem[], mapped = false) {
  const type = q.getType();
  if (!SUPPORTED_QUESTION_TYPES.has(type)) {
    const why = REFUSED_TYPES[type];
    problems.push({
      rule: 'type',
      question: q.name,
      message: `type "${type}" is not supported${why ? `: ${why}` : ''}`,
    });
    return;
  }
  if (type === 'matrixdropdown' || type === 'matrixdynamic') checkCellTypes(q, problems);
  // A codebook lists every choice a question can have; these take them from elsewhere at run time.
  const byUrl = q.getPropertyValue('choicesByUrl') as { url?: string } | undefined;
  if (byUrl?.url) {
    problems.push({
      rule: 'type',
      question: q.name,
      message: `choicesByUrl loads the choices from ${byUrl.url} when the survey runs, so no codebook can list them: copy the choices into "choices"`,
    });
  }
  if (q.getPropertyValue('allowCustomChoices') === true) {
    problems.push({
      rule: 'type',
      question: q.name,
      message:
        'allowCustomChoices lets respondents add choices of their own, which no codebook can list: remove it and offer "Other" (showOtherItem) instead',
    });
  }
  if (mapped) return;
  if (!QUESTION_NAME.test(q.name)) {
    problems.push({
      rule: 'name',
      question: q.name,
      message: 'names must match ^[a-z][a-z0-9_]{0,31}$ (they become variable names)',
    });
  }
  switch (type) {
    case 'radiogroup':
    case 'dropdown':
    case 'checkbox':
    case 'tagbox':
    case 'ranking':
    case 'imagepicker': {
      const select = q as unknown as { choices: ItemValue[]; showOtherItem: boolean; showNoneItem: boolean };
      const multi =
        type === 'checkbox' ||
        type === 'tagbox' ||
        (type === 'imagepicker' && q.getPropertyValue('multiSelect') === true);
      checkChoices(q, 'choice', select.choices, problems, multi);
      if (select.showOtherItem)
        problems.push({
          rule: 'choice-code',
          question: q.name,
          message: 'showOtherItem stores the text "other"; add an integer-coded Other choice and a <name>_oth question',
        });
      if (select.showNoneItem)
        problems.push({
          rule: 'choice-code',
          question: q.name,
          message: 'showNoneItem stores the text "none"; add an integer-coded choice with "isExclusive": true',
        });
      break;
    }
    case 'matrix':
      checkChoices(q, 'column', (q as QuestionMatrixModel).columns as ItemValue[], problems, false);
      break;
    case 'matrixdropdown':
    case 'matrixdynamic': {
      const shared = q.getPropertyValue('choices') as ItemValue[] | undefined;
      if (shared && shared.length > 0) checkChoices(q, 'shared choice', shared, problems, false);
      for (const column of (q as QuestionMatrixDropdownModel).columns) {
        const cell = column.templateQuestion;
        const cellType = cell.getType();
        if (SUPPORTED_CELL_TYPES.has(cellType) && CHOICE_CELL_TYPES.has(cellType)) {
          checkChoices(
            q,
            `column "${column.name}" choice`,
            cell.getPropertyValue('choices') as ItemValue[],
            problems,
            false,
          );
        }
      }
      break;
    }
    case 'boolean': {
      for (const key of ['valueTrue', 'valueFalse']) {
        const value: unknown = q.getPropertyValue(key);
        if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value))) {
          problems.push({
            rule: 'choice-code',
            question: q.name,
            message: `${key} is ${JSON.stringify(value)}; codes must be integers`,
          });
        }
      }
      if (q.getPropertyValue('valueTrue') === undefined || q.getPropertyValue('valueFalse') === undefined) {
        problems.push({
          rule: 'choice-code',
          question: q.name,
          message: 'a yes/no question needs integer valueTrue and valueFalse codes (it would store true/false)',
        });
      }
      break;
    }
  }
}
