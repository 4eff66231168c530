import { Model, type Question, type QuestionPanelDynamicModel } from 'survey-core';
import { checkColumns } from './checkColumns.js';
import { checkQuestion } from './checkQuestions.js';
import { checkExpressions, checkMarkup, checkTriggerTargets, rawUnknownTypes } from './checkReferences.js';
import './extensions.js';
import { containsMarkup } from './sanitize.js';
import { InstrumentFileSchema } from './schema.js';

export { SUPPORTED_QUESTION_TYPES } from './checkQuestions.js';

export type CheckRule =
  | 'meta'
  | 'surveyjs'
  | 'type'
  | 'name'
  | 'duplicate-name'
  | 'column'
  | 'choice-code'
  | 'reserved-code'
  | 'expression'
  | 'exclusive-none'
  | 'html';

export type CheckProblem = { rule: CheckRule; question?: string; message: string };

export function formatProblem(file: string, p: CheckProblem): string {
  return `${file}: ${p.question ? `question "${p.question}": ` : ''}${p.message} [${p.rule}]`;
}

/**
 * Every question as defined: top-level ones (also inside plain panels) and those of repeating-panel
 * templates, never the copies SurveyJS makes for each entry a survey starts with.
 */
function definedQuestions(model: Model): Question[] {
  const out: Question[] = [];
  const visit = (questions: Question[]) => {
    for (const q of questions) {
      out.push(q);
      if (q.getType() === 'paneldynamic') visit((q as QuestionPanelDynamicModel).template.questions);
    }
  };
  visit(model.getAllQuestions(false, false, false));
  return out;
}

function checkNames(questions: Question[], problems: CheckProblem[]) {
  const seen = new Map<string, number>();
  for (const q of questions) seen.set(q.name, (seen.get(q.name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (count > 1)
      problems.push({ rule: 'duplicate-name', question: name, message: `the name is used by ${count} questions` });
  }
  return new Set(seen.keys());
}

/** Every rule an instrument must pass to be fielded; an empty list means it may be used. */
export function checkInstrument(json: unknown): CheckProblem[] {
  const parsed = InstrumentFileSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({
      rule: 'meta' as const,
      message: `${i.path.join('.') || '(top level)'}: ${i.message}`,
    }));
  }
  const file = parsed.data;
  const problems: CheckProblem[] = [];
  const model = new Model(file.survey);
  for (const e of model.jsonErrors ?? []) problems.push({ rule: 'surveyjs', message: e.message });
  rawUnknownTypes(file.survey, problems);
  const questions = definedQuestions(model);
  for (const q of questions) checkQuestion(q, problems);
  const names = checkNames(questions, problems);
  if (!names.has(file.meta.consent.question)) {
    problems.push({
      rule: 'meta',
      message: `meta.consent.question "${file.meta.consent.question}" is not a question of the survey`,
    });
  }
  for (const name of Object.keys(file.meta.prefill)) {
    if (!names.has(name))
      problems.push({ rule: 'meta', message: `meta.prefill names "${name}", which is not a question of the survey` });
  }
  for (const [key, text] of [
    ['meta.title', file.meta.title],
    ['meta.referencePeriod', file.meta.referencePeriod],
  ] as const) {
    if (containsMarkup(text))
      problems.push({ rule: 'html', message: `${key} contains markup; metadata is plain text` });
  }
  checkTriggerTargets(file.survey, names, problems);
  checkExpressions(file.survey, model, questions, problems);
  checkMarkup(file.survey, problems);
  if (!problems.some((p) => p.rule === 'type' || p.rule === 'surveyjs')) {
    // A question already refused for its name or codes would only repeat that problem here.
    const refused = new Set(
      problems
        .filter((p) => ['name', 'duplicate-name', 'reserved-code', 'choice-code'].includes(p.rule))
        .map((p) => p.question),
    );
    checkColumns(file, refused, problems);
  }
  return problems;
}
