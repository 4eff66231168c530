import type {
  ItemValue,
  MatrixDropdownColumn,
  PageModel,
  Question,
  QuestionBooleanModel,
  QuestionMatrixDropdownModel,
  QuestionMatrixDynamicModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionPanelDynamicModel,
  QuestionRatingModel,
  QuestionSelectBase,
  QuestionTextModel,
  SurveyModel,
} from 'survey-core';
import { buildCodebook } from '../codebook/build.js';
import { readableCondition } from '../codebook/conditions.js';
import { instrumentStructure } from '../instruments/answers.js';
import { plainText } from '../instruments/columns.js';
import { dkAllowed } from '../instruments/extensions.js';
import { isNumericInput, numericRule } from '../instruments/numeric.js';
import type { Instrument } from '../instruments/registry.js';
import { visibilityOf } from '../instruments/visibility.js';

/** What the respondent writes in, by the kind of question. */
export type PaperAnswer =
  | { kind: 'choices'; multiple: boolean; choices: PaperChoice[]; atMost?: number }
  | { kind: 'write'; hint: string; lines: number; dontKnow: boolean }
  | { kind: 'items'; items: { label: string; hint: string; dontKnow: boolean }[] }
  | { kind: 'grid'; rows: string[]; columns: string[] }
  | { kind: 'table'; rows: string[]; columns: string[]; notes: string[] }
  | { kind: 'rank'; items: string[] }
  | { kind: 'repeat'; what: string; questions: PaperQuestion[] };

export type PaperChoice = { label: string; specify: boolean };

export type PaperQuestion = {
  /** "7", or "7a" for a question repeated inside another's entries. */
  number: string;
  /** The SurveyJS name: the codebook's conditions refer to questions by it. */
  name: string;
  title: string;
  description: string;
  /** Its own conditions in words (beyond its page's), as the codebook reads them; null when always asked. */
  condition: string | null;
  /** Where to go when the condition does not hold: a question number, or null for the end. */
  skipTo: string | null;
  answer: PaperAnswer;
};

export type PaperPage = {
  title: string;
  description: string;
  condition: string | null;
  skipTo: string | null;
  /** Questions and, between them, text the instrument shows (html elements), in order. */
  elements: ({ kind: 'question'; question: PaperQuestion } | { kind: 'note'; text: string })[];
};

export type PaperInstrument = {
  title: string;
  key: string;
  mode: 'self' | 'interviewer';
  referencePeriod: string | null;
  estimatedMinutes: number;
  description: string;
  pages: PaperPage[];
};

const NOT_ANSWERED = new Set(['html', 'image', 'expression', 'signaturepad', 'file']);
const stripTags = (html: string) =>
  plainText(
    html
      .replace(/<\/(p|div|li|h\d)>|<br\s*\/?>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&nbsp;/g, ' '),
  );
const textOf = (q: { title?: string; name: string }) => plainText(q.title || q.name);

function numericHint(owner: Parameters<typeof numericRule>[0]): string {
  const { min, max, integer } = numericRule(owner);
  const kind = integer ? 'whole number' : 'number';
  if (min !== undefined && max !== undefined) return `${kind}, ${min} to ${max}`;
  if (min !== undefined) return `${kind}, ${min} or more`;
  if (max !== undefined) return `${kind}, up to ${max}`;
  return kind;
}

function inputHint(inputType: string | undefined, owner: Parameters<typeof numericRule>[0]): string {
  if (isNumericInput(inputType)) return numericHint(owner);
  if (inputType === 'date') return 'date: month / day / year';
  if (inputType === 'email') return 'email address';
  if (inputType === 'tel') return 'telephone number';
  return '';
}

function choicesOf(q: QuestionSelectBase): PaperChoice[] {
  return (q.visibleChoices as ItemValue[]).map((item) => ({
    label: plainText(item.text),
    specify: item === q.otherItem,
  }));
}

function cellNote(column: MatrixDropdownColumn): string | undefined {
  const cellType = column.cellType === 'default' ? undefined : column.cellType;
  const choices = (column.getPropertyValue('choices') as ItemValue[] | undefined) ?? [];
  if (choices.length > 0 && cellType !== 'text') {
    return `${plainText(column.title)}: ${choices.map((c) => plainText(c.text)).join(' / ')}${cellType === 'checkbox' ? ' (all that apply)' : ''}`;
  }
  const hint = inputHint(column.getPropertyValue('inputType') as string | undefined, column);
  if (hint === '') return undefined;
  return `${plainText(column.title)}: ${hint}${dkAllowed(column) ? ', or DK for don’t know' : ''}`;
}

/** The answer space of one question as paper shows it. */
function answerOf(q: Question, model: SurveyModel, numberOf: (q: Question) => string): PaperAnswer {
  switch (q.getType()) {
    case 'radiogroup':
    case 'dropdown':
    case 'imagepicker':
      return { kind: 'choices', multiple: false, choices: choicesOf(q as QuestionSelectBase) };
    case 'checkbox':
    case 'tagbox': {
      const atMost = Number(q.getPropertyValue('maxSelectedChoices') ?? 0);
      return {
        kind: 'choices',
        multiple: true,
        choices: choicesOf(q as QuestionSelectBase),
        ...(atMost > 0 ? { atMost } : {}),
      };
    }
    case 'boolean': {
      const b = q as QuestionBooleanModel;
      const choices = [b.labelTrue || 'Yes', b.labelFalse || 'No'].map((label) => ({ label, specify: false }));
      return { kind: 'choices', multiple: false, choices };
    }
    case 'rating': {
      const values = (q as QuestionRatingModel).visibleRateValues as ItemValue[];
      return {
        kind: 'choices',
        multiple: false,
        choices: values.map((v) => ({ label: plainText(v.text), specify: false })),
      };
    }
    case 'ranking':
      return { kind: 'rank', items: (q as QuestionSelectBase).visibleChoices.map((c) => plainText(c.text)) };
    case 'comment':
      return { kind: 'write', hint: '', lines: 4, dontKnow: false };
    case 'multipletext':
      return {
        kind: 'items',
        items: (q as QuestionMultipleTextModel).items.map((item) => ({
          label: textOf(item),
          hint: inputHint(item.inputType, item),
          dontKnow: dkAllowed(item),
        })),
      };
    case 'matrix': {
      const m = q as QuestionMatrixModel;
      return {
        kind: 'grid',
        rows: (m.rows as ItemValue[]).map((r) => plainText(r.text)),
        columns: (m.columns as ItemValue[]).map((c) => plainText(c.text)),
      };
    }
    case 'matrixdropdown':
    case 'matrixdynamic': {
      const m = q as QuestionMatrixDropdownModel | QuestionMatrixDynamicModel;
      const columns = m.columns as MatrixDropdownColumn[];
      const rows =
        q.getType() === 'matrixdynamic'
          ? Array.from({ length: Math.max(3, (m as QuestionMatrixDynamicModel).rowCount) }, () => '')
          : ((m as QuestionMatrixDropdownModel).rows as ItemValue[]).map((r) => plainText(r.text));
      return {
        kind: 'table',
        rows,
        columns: columns.map((c) => plainText(c.title)),
        notes: columns.map(cellNote).filter((n): n is string => n !== undefined),
      };
    }
    case 'paneldynamic': {
      const p = q as QuestionPanelDynamicModel;
      return {
        kind: 'repeat',
        what: textOf(q),
        questions: p.template.questions.map((inner, i) => ({
          number: `${numberOf(q)}${String.fromCharCode(97 + i)}`,
          name: inner.name,
          title: textOf(inner),
          description: plainText(inner.description ?? ''),
          condition: inner.visibleIf ? readableCondition(model, inner.visibleIf) : null,
          skipTo: null,
          answer: answerOf(inner, model, numberOf),
        })),
      };
    }
    default: {
      const text = q as QuestionTextModel;
      return {
        kind: 'write',
        hint: inputHint(text.inputType, text),
        lines: 1,
        dontKnow: dkAllowed(text),
      };
    }
  }
}

/**
 * The instrument as a paper questionnaire: pages, numbered questions and the skip instructions.
 * Conditions come from the codebook (each question's conditions, in the codebook's reading);
 * a page's condition is stated once at its top, each question states only what it adds.
 */
export function paperInstrument(instrument: Instrument): PaperInstrument {
  const { meta } = instrument;
  const model = instrumentStructure(instrument);
  const codebook = buildCodebook(instrument);
  const conditionsOf = new Map<string, string[]>();
  for (const v of codebook.variables) if (!conditionsOf.has(v.question)) conditionsOf.set(v.question, v.conditions);
  // A question with no variable of its own (none so far) still has its place in the questionnaire.
  const conditions = (q: Question) => conditionsOf.get(q.getValueName()) ?? visibilityOf(q).conditions;

  const asked = model.getAllQuestions(false, false, false).filter((q) => !NOT_ANSWERED.has(q.getType()));
  const numbers = new Map(asked.map((q, i) => [q, String(i + 1)]));
  const numberOf = (q: Question) => numbers.get(q) ?? '';
  /** The first question after `from` not bound by every one of `required`: where a skip lands. */
  const skipTarget = (from: number, required: readonly string[]) => {
    const next = asked.slice(from + 1).find((q) => !required.every((c) => conditions(q).includes(c)));
    return next ? numberOf(next) : null;
  };
  const words = (list: readonly string[]) =>
    list.length === 0 ? null : list.map((c) => readableCondition(model, c)).join(' and ');

  const pages = (model.pages as PageModel[]).map((page): PaperPage => {
    const pageConditions = page.visibleIf ? [page.visibleIf] : [];
    const first = asked.findIndex((q) => q.page === page);
    const elements: PaperPage['elements'] = [];
    for (const element of page.questions as Question[]) {
      if (element.getType() === 'html') {
        const text = stripTags(String(element.getPropertyValue('html') ?? ''));
        if (text !== '') elements.push({ kind: 'note', text });
        continue;
      }
      const index = asked.indexOf(element);
      if (index < 0) continue;
      const own = conditions(element).filter((c) => !pageConditions.includes(c));
      elements.push({
        kind: 'question',
        question: {
          number: numberOf(element),
          name: element.name,
          title: textOf(element),
          // A prefilled question's description speaks of the answer already filled in on the web;
          // a blank paper copy has none, so the sentence would mislead there.
          description: element.name in meta.prefill ? '' : plainText(element.description ?? ''),
          condition: words(own),
          skipTo: own.length > 0 ? skipTarget(index, conditions(element)) : null,
          answer: answerOf(element, model, numberOf),
        },
      });
    }
    return {
      title: plainText(page.title || ''),
      description: page.description ?? '',
      condition: words(pageConditions),
      skipTo: pageConditions.length > 0 && first >= 0 ? skipTarget(first, pageConditions) : null,
      elements,
    };
  });

  return {
    title: meta.title,
    key: instrument.key,
    mode: meta.mode === 'interviewer' ? 'interviewer' : 'self',
    referencePeriod: meta.referencePeriod ?? null,
    estimatedMinutes: codebook.instrument.estimatedMinutes,
    description: plainText(model.description ?? ''),
    pages,
  };
}
