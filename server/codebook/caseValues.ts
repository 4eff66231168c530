import { ConditionRunner, type Model, type Question } from 'survey-core';
import { createSurveyModel, isBlankAnswer, isEmptyAnswer, isPlainObject } from '../instruments/answers.js';
import { MISSING_CODES as MISSING } from '../instruments/missingCodes.js';
import type { Instrument } from '../instruments/registry.js';
import { atSurveyTime } from '../instruments/surveyClock.js';
import { replayVisibleTriggers } from '../instruments/triggers.js';
import { type ResolvedVariables, resolveVariables } from '../instruments/variableMap.js';
import { type Visibility, visibilityOf } from '../instruments/visibility.js';
import type { Codebook, Variable } from './build.js';

type Answers = Record<string, unknown>;
export type CaseCell = number | string;

const SKIPPED = MISSING.skipped.code;
const NOT_ANSWERED = MISSING.notAnswered.code;

/** Shown at the final state of the answers: the question, its panels and its page all visible. */
function shownInModel(q: Question): boolean {
  return q.isVisible && q.isParentVisible && (q.page ? q.page.isVisible : true);
}

/**
 * The cells of one case for the codebook's variables of the main table, with typed missing codes
 * derived from the instrument's logic at the final state of the answers: -8 where the question is
 * hidden, -9 where it was shown and left blank, -7/-6 as answered (don't know, prefer not to
 * answer); a blank never stands for either. One model per instrument is reused for every case.
 */
export function createCaseValues(instrument: Instrument, codebook: Codebook) {
  const model: Model = createSurveyModel(instrument);
  const vars: ResolvedVariables = resolveVariables(instrument.meta.variables);
  const main = codebook.variables.filter((v) => v.table === 'main');
  const questionOf = new Map<string, Question>();
  for (const q of model.getAllQuestions(false, false, false)) questionOf.set(q.getValueName(), q);
  const consentQuestion = instrument.meta.consent?.question;
  /**
   * The items the share answered counts. The consent question is the gate to the survey, not an
   * item of it: counted, a saved consent "No" (which hides every other question) would be 100%
   * answered and make a refusal a partial.
   */
  const isSurveyItem = (q: Question) =>
    q.getType() !== 'html' &&
    q.getType() !== 'image' &&
    q.getType() !== 'expression' &&
    q.getValueName() !== consentQuestion;

  /**
   * Giving survey-core a case's answers costs ~4 ms (every condition and value re-evaluated), 40 s
   * for 10,000 cases. Where visibility depends on nothing but visibleIf conditions, each condition
   * is compiled once and evaluated on the answers instead (the property test holds this path to
   * survey-core's own verdict); triggers, calculated values and setValueIf need the whole model.
   */
  const json = JSON.stringify(instrument.survey);
  const needsModel =
    /"triggers"\s*:\s*\[\s*\{|"calculatedValues"|"setValueIf"|"setValueExpression"|"defaultValueExpression"/.test(json);
  const runners = new Map<string, ConditionRunner>();
  const visibility = new Map<Question, Visibility>();
  for (const q of questionOf.values()) visibility.set(q, visibilityOf(q));
  let current: Answers = {};
  /**
   * When the answers given to `row` were saved (the server's clock): conditions that read today()
   * and kin judge them at that moment, as the validation did, so an export is the same whenever it runs.
   */
  let currentAt = new Date(0);
  const shownCache = new Map<Question, boolean>();
  const shown = (q: Question): boolean => {
    if (needsModel) return shownInModel(q);
    const known = shownCache.get(q);
    if (known !== undefined) return known;
    const { conditions, hiddenOutright } = visibility.get(q) ?? visibilityOf(q);
    let result = !hiddenOutright;
    for (const condition of conditions) {
      if (!result) break;
      let runner = runners.get(condition);
      if (!runner) {
        runner = new ConditionRunner(condition);
        runners.set(condition, runner);
      }
      const run = runner;
      result = atSurveyTime(currentAt, () => run.runValues(current));
    }
    shownCache.set(q, result);
    return result;
  };

  /** A choice value as its code, or the value itself when it has none (text, numbers). */
  const coded = (key: string, value: unknown): CaseCell => {
    const code = vars.codeOf(key, value);
    if (code !== undefined) return code;
    if (typeof value === 'number' || typeof value === 'string') return value;
    return JSON.stringify(value);
  };

  function cell(v: Variable, answers: Answers): CaseCell {
    const q = questionOf.get(v.question);
    if (!q || !shown(q)) return SKIPPED;
    const source = v.source;
    const whole = answers[source.question];
    const key = q.name;
    switch (source.kind) {
      case 'value': {
        if (source.question.endsWith('-Comment')) {
          // The "Other (specify)" text exists only when Other was chosen.
          const chosen = answers[v.question];
          const other = q.getPropertyValue('otherItem')?.value ?? 'other';
          const picked = Array.isArray(chosen) ? chosen.includes(other) : chosen === other;
          if (q.getPropertyValue('showOtherItem') && !picked) return SKIPPED;
        }
        if (isBlankAnswer(whole)) return NOT_ANSWERED;
        if (v.type === 'text' || v.type === 'date') return typeof whole === 'string' ? whole : String(whole);
        return coded(key, whole);
      }
      case 'choice': {
        if (!Array.isArray(whole) || whole.length === 0) return NOT_ANSWERED;
        return whole.some((x) => x === source.code) ? 1 : 0;
      }
      case 'rank': {
        if (!Array.isArray(whole) || whole.length === 0) return NOT_ANSWERED;
        const at = whole.indexOf(source.choice);
        return at >= 0 ? at + 1 : NOT_ANSWERED;
      }
      case 'row': {
        const value = isPlainObject(whole) ? whole[source.row] : undefined;
        return isEmptyAnswer(value) ? NOT_ANSWERED : coded(key, value);
      }
      case 'item': {
        const value = isPlainObject(whole)
          ? whole[source.item]
          : Array.isArray(whole)
            ? whole[source.item === 'from' ? 0 : 1]
            : undefined;
        if (isEmptyAnswer(value)) return NOT_ANSWERED;
        return v.type === 'text' || v.type === 'date' ? String(value) : coded(key, value);
      }
      case 'cell': {
        const row = isPlainObject(whole) ? whole[source.row] : undefined;
        const value = isPlainObject(row) ? row[source.column] : undefined;
        if (isEmptyAnswer(value)) return NOT_ANSWERED;
        if (source.choice !== undefined) return Array.isArray(value) && value.includes(source.choice) ? 1 : 0;
        if (v.type === 'text' || v.type === 'date') return String(value);
        return coded(`${key}/${source.column}`, value);
      }
      default:
        return NOT_ANSWERED;
    }
  }

  /**
   * The instrument's soft checks: expression validators with `notificationType: "warning"` let the
   * respondent go on, so the export keeps them as flags (e.g. outcomes above the defendants charged).
   */
  const softChecks = [...questionOf.values()].flatMap((q) =>
    q.validators
      .filter((v) => v.getType() === 'expressionvalidator' && v.notificationType === 'warning')
      .map((v) => ({
        question: q.getValueName(),
        text: v.text,
        runner: new ConditionRunner(String(v.getPropertyValue('expression') ?? 'true')),
      })),
  );

  return {
    variables: main,
    /** One per soft check: its question and the message the respondent saw. */
    softChecks: softChecks.map(({ question, text }) => ({ question, text })),
    /**
     * The soft checks at the answers last given to `row`, in the order of `softChecks`: 1 failed
     * (the respondent went on past the warning), 0 held, -8 question hidden, -9 question not answered.
     */
    checked(answers: Answers): CaseCell[] {
      const values = needsModel ? model.getFilteredValues() : answers;
      return softChecks.map(({ question, runner }) => {
        const q = questionOf.get(question);
        if (!q || !shown(q)) return SKIPPED;
        if (isBlankAnswer(answers[question])) return NOT_ANSWERED;
        return atSurveyTime(currentAt, () => runner.runValues(values)) ? 0 : 1;
      });
    },
    /**
     * The cells of one case, in the order of `variables`, and the share of shown questions answered;
     * `savedAt`: when the answers were last saved.
     */
    row(answers: Answers, savedAt: Date): { cells: CaseCell[]; pctAnswered: number } {
      current = answers;
      currentAt = savedAt;
      shownCache.clear();
      if (needsModel) {
        atSurveyTime(savedAt, () => {
          model.data = answers;
          replayVisibleTriggers(model);
        });
      }
      const cells = main.map((v) => cell(v, answers));
      let asked = 0;
      let answered = 0;
      for (const q of questionOf.values()) {
        if (!isSurveyItem(q) || !shown(q)) continue;
        asked++;
        if (!isBlankAnswer(answers[q.getValueName()])) answered++;
      }
      return { cells, pctAnswered: asked === 0 ? 0 : answered / asked };
    },
    /** Whether survey-core shows the question behind a variable, at the answers last given to `row`. */
    isShown(v: Variable): boolean {
      const q = questionOf.get(v.question);
      return q !== undefined && shown(q);
    },
  };
}
