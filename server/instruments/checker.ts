import { Model, type Question, type QuestionPanelDynamicModel } from 'survey-core';
import { checkColumns } from './checkColumns.js';
import { checkPanelKeys } from './checkPanelKeys.js';
import type { CheckProblem } from './checkProblem.js';
import { checkQuestion } from './checkQuestions.js';
import { checkExpressions, checkMarkup, checkTriggerTargets, rawUnknownTypes } from './checkReferences.js';
import { disclosureProblems } from './disclosure.js';
import './extensions.js';
import { containsMarkup } from './sanitize.js';
import { InstrumentFileSchema, QUESTION_NAME, type VariableMap } from './schema.js';
import { choiceSetsOf, DONT_KNOW_CODE, hasVariable, REFUSE_CODE } from './variableMap.js';

export type { CheckProblem, CheckRule } from './checkProblem.js';
export { SUPPORTED_QUESTION_TYPES } from './checkQuestions.js';

export const isWarning = (p: CheckProblem) => p.severity === 'warning';

export function formatProblem(file: string, p: CheckProblem): string {
  return `${file}: ${isWarning(p) ? 'warning: ' : ''}${p.question ? `question "${p.question}": ` : ''}${p.message} [${p.rule}]`;
}

/**
 * Every question as defined: top-level ones (also inside plain panels) and those of repeating-panel
 * templates, never the copies SurveyJS makes for each entry a survey starts with.
 */
export function definedQuestions(model: Model): Question[] {
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
  // Display-only elements (html, image) hold no value, so their names may repeat.
  for (const q of questions) if (hasVariable(q)) seen.set(q.name, (seen.get(q.name) ?? 0) + 1);
  for (const [name, count] of seen) {
    if (count > 1)
      problems.push({ rule: 'duplicate-name', question: name, message: `the name is used by ${count} questions` });
  }
  return new Set(questions.map((q) => q.name));
}

/**
 * A variable map must name every question with a valid, unique variable name and give every choice
 * value an integer code, unique within its set; -8 and -9 are the export's own missing codes, and
 * -6/-7 belong to "prefer not to answer" and "don't know" items.
 */
function checkVariableMap(questions: Question[], map: VariableMap, problems: CheckProblem[]) {
  const owners = new Map<string, string>();
  for (const [key, entry] of Object.entries(map)) {
    if (!QUESTION_NAME.test(entry.name)) {
      problems.push({
        rule: 'variables',
        question: key,
        message: `meta.variables gives the variable name "${entry.name}", which is not a valid name: use 1 to 32 lowercase letters, digits and underscores, starting with a letter.`,
      });
    }
    // A column entry shares its question's name; only question entries claim a name.
    if (key.includes('/')) continue;
    const other = owners.get(entry.name);
    if (other !== undefined) {
      problems.push({
        rule: 'variables',
        question: key,
        message: `meta.variables gives the variable name "${entry.name}" to both "${other}" and "${key}": give each question its own name.`,
      });
    }
    owners.set(entry.name, key);
  }
  for (const q of questions) {
    if (hasVariable(q) && !map[q.name]) {
      problems.push({
        rule: 'variables',
        question: q.name,
        message:
          'has no entry in meta.variables: run `fieldkit instruments import` on the survey again (with --previous for a new version).',
      });
    }
    for (const set of choiceSetsOf(q)) {
      const codes = new Map((map[set.key]?.codes ?? []).map((c) => [`${typeof c.value}:${String(c.value)}`, c.code]));
      const seen = new Map<number, unknown>();
      for (const c of map[set.key]?.codes ?? []) {
        const where = `meta.variables["${set.key}"] codes ${JSON.stringify(c.value)} as ${c.code}`;
        if (!Number.isInteger(c.code)) {
          problems.push({ rule: 'variables', question: q.name, message: `${where}: codes must be whole numbers.` });
        } else if (c.code === -8 || c.code === -9) {
          problems.push({
            rule: 'variables',
            question: q.name,
            message: `${where}: -8 and -9 are the export's missing codes; give another code.`,
          });
        }
        if (seen.has(c.code)) {
          problems.push({
            rule: 'variables',
            question: q.name,
            message: `${where}, a code it also gives ${JSON.stringify(seen.get(c.code))}: give each value its own code.`,
          });
        }
        seen.set(c.code, c.value);
      }
      for (const item of set.items) {
        const code = codes.get(`${typeof item.value}:${String(item.value)}`);
        if (code === undefined) {
          problems.push({
            rule: 'variables',
            question: q.name,
            message: `the choice ${JSON.stringify(item.value)} ("${item.text}") has no code in meta.variables["${set.key}"]: run \`fieldkit instruments import\` again, or add {"value": ${JSON.stringify(item.value)}, "code": <a new number>}.`,
          });
        } else if (
          (code === REFUSE_CODE && item.special !== 'refuse') ||
          (code === DONT_KNOW_CODE && item.special !== 'dontknow')
        ) {
          if (!/prefer not|decline|refus|don.?t know|not sure|unknown/i.test(item.text)) {
            problems.push({
              rule: 'variables',
              question: q.name,
              message: `the choice ${JSON.stringify(item.value)} ("${item.text}") has the code ${code}, which means "${code === REFUSE_CODE ? 'prefer not to answer' : "don't know"}" in every export: give it another code.`,
            });
          }
        }
      }
    }
  }
}

/** What each metadata field must be, as a sentence that names the fix. */
const META_FIELD_RULES: Record<string, string> = {
  meta: 'The file needs a "meta" object beside "survey": {"meta": {"id", "version", "title", "mode"}, "survey": {...}} (fieldkit instruments import writes it).',
  survey: 'The file needs a "survey" object: the SurveyJS JSON, as SurveyJS Creator saves it.',
  id: 'meta.id must be 2 to 64 lowercase letters, digits and dashes, starting with a letter (e.g. "staff-survey").',
  version: 'meta.version must be a version number such as "1", "1.2" or "1.2.3".',
  title: "meta.title must be the instrument's title, as text.",
  mode: 'meta.mode must be "self" (respondents answer online) or "interviewer" (staff enter the answers).',
  referencePeriod: 'meta.referencePeriod, when given, must be text such as "2009–2018".',
  estimatedMinutes:
    "meta.estimatedMinutes, when given, must be a whole number of minutes above 0; leave it out to use the codebook's estimate.",
  consent:
    'meta.consent, when given, must be {"question": "<question name>", "declineValue": <the value that means no>}; leave it out for no consent gate.',
  prefill:
    'meta.prefill must map question names to {"column": "<frame column>", "transform": "text" | "integer" | "state_fips"}.',
  disclosure:
    'meta.disclosure must map question names to {"identifier": "direct" | "quasi", "treatment": "region" | "population_band" | "date" | "none"}.',
  recordHeader:
    'meta.recordHeader, when given, must be {"site": "<question>", "date": "<question>", "initials": "<question>", "label": ["<question>", ...]} (each optional).',
  panelKeys:
    'meta.panelKeys must map repeating panel names to the name of their entry key question (lowercase letters, digits and _), e.g. {"cf_defs": "defendant_no"}.',
  hostVariables:
    'meta.hostVariables must map each variable the host app sets (e.g. "source" or "profile.givenName") to {"frame": "<frame column>"}, {"fielding": "name" | "closesAt"} or {"constant": <text, number or true/false>}.',
  variables:
    'meta.variables must map question names to {"name": "<variable name>", "codes": [{"value": <choice value>, "code": <number>}]}; fieldkit instruments import writes it.',
};

/** The metadata problems, one plain sentence per field, never the validator's own wording. */
function metaProblems(json: unknown): CheckProblem[] {
  const top = InstrumentFileSchema.safeParse(json);
  if (top.success) return [];
  const fields = new Set<string>();
  for (const issue of top.error.issues) {
    const [first, second] = issue.path.map(String);
    fields.add(first === 'meta' && second !== undefined ? second : (first ?? 'meta'));
  }
  return [...fields].map((field) => ({
    rule: 'meta' as const,
    message: META_FIELD_RULES[field] ?? `meta.${field} is not a field Fieldkit knows; remove it.`,
  }));
}

/**
 * Every rule an instrument must pass to be fielded; an empty list means it may be used. The import
 * checks with `unfilledHostVariables: 'allow'`: it writes a `null` for each one to be filled in.
 */
export function checkInstrument(
  json: unknown,
  options: { unfilledHostVariables?: 'allow' | 'refuse' } = {},
): CheckProblem[] {
  const problems = metaProblems(json);
  const raw = (typeof json === 'object' && json !== null ? json : {}) as { meta?: unknown; survey?: unknown };
  const survey =
    typeof raw.survey === 'object' && raw.survey !== null ? (raw.survey as Record<string, unknown>) : undefined;
  // Survey problems are reported even when the metadata is wrong: one run lists everything.
  if (!survey) return problems;
  const metaOk = problems.length === 0;
  const file = metaOk ? InstrumentFileSchema.parse(json) : undefined;
  const mapped = typeof raw.meta === 'object' && raw.meta !== null && 'variables' in raw.meta;
  const model = new Model(survey);
  // SurveyJS loads a survey with properties it does not know (they are ignored), so does Fieldkit.
  for (const e of model.jsonErrors ?? []) {
    problems.push({ rule: 'surveyjs', severity: 'warning', message: `${e.message} SurveyJS ignores it.` });
  }
  rawUnknownTypes(survey, problems);
  const questions = definedQuestions(model);
  for (const q of questions) checkQuestion(q, problems, mapped);
  const names = checkNames(questions, problems);
  if (file?.meta.variables) checkVariableMap(questions, file.meta.variables, problems);
  if (file?.meta.consent && !names.has(file.meta.consent.question)) {
    problems.push({
      rule: 'meta',
      message: `meta.consent.question "${file.meta.consent.question}" is not a question of the survey; name one, or leave meta.consent out for no consent gate.`,
    });
  }
  for (const name of Object.keys(file?.meta.prefill ?? {})) {
    if (!names.has(name))
      problems.push({ rule: 'meta', message: `meta.prefill names "${name}", which is not a question of the survey.` });
  }
  const header = file?.meta.recordHeader ?? {};
  for (const [part, name] of Object.entries(header).flatMap(([part, v]) =>
    (Array.isArray(v) ? v : [v]).map((n) => [part, n] as const),
  )) {
    if (!names.has(name))
      problems.push({
        rule: 'meta',
        message: `meta.recordHeader.${part} names "${name}", which is not a question of the survey.`,
      });
  }
  if (file) for (const message of disclosureProblems(file.meta, names)) problems.push({ rule: 'meta', message });
  if (file) problems.push(...checkPanelKeys(file.meta, questions));
  for (const [key, text] of [
    ['meta.title', file?.meta.title],
    ['meta.referencePeriod', file?.meta.referencePeriod],
  ] as const) {
    if (text && containsMarkup(text))
      problems.push({ rule: 'html', message: `${key} contains markup; metadata is plain text.` });
  }
  checkTriggerTargets(survey, names, problems);
  const hostVariables = Object.entries(file?.meta.hostVariables ?? {});
  if (options.unfilledHostVariables !== 'allow') {
    for (const [name, source] of hostVariables) {
      if (source === null)
        problems.push({
          rule: 'meta',
          message: `meta.hostVariables["${name}"] is not filled in: give {"frame": "<frame column>"}, {"fielding": "name"} or {"constant": <value>}.`,
        });
    }
  }
  checkExpressions(
    survey,
    model,
    questions,
    hostVariables.map(([name]) => name),
    problems,
  );
  checkMarkup(survey, problems);
  if (file && !problems.some((p) => !isWarning(p) && ['type', 'surveyjs', 'variables'].includes(p.rule))) {
    // A question already refused for its name or codes would only repeat that problem here.
    const refused = new Set(
      problems
        .filter((p) => ['name', 'duplicate-name', 'reserved-code', 'choice-code'].includes(p.rule))
        .map((p) => p.question),
    );
    checkColumns(file, model, refused, problems);
  }
  return problems;
}
