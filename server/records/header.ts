import type { ItemValue, PageModel, Question, QuestionSelectBase } from 'survey-core';
import { type Answers, checkQuestionValue, instrumentStructure } from '../instruments/answers.js';
import type { Instrument } from '../instruments/registry.js';

/** Where a new record's header goes and what labels a record: meta.recordHeader, or the Phase II defaults. */
export type RecordHeader = { site?: string; date?: string; initials?: string; label: string[] };

const DEFAULTS = { site: 'h_site', date: 'h_date', initials: 'h_initials', label: ['cf_code', 'h_role'] };

const questionOf = (instrument: Instrument, name: string | undefined): Question | undefined =>
  name === undefined ? undefined : (instrumentStructure(instrument).getQuestionByName(name) ?? undefined);

export function recordHeaderOf(instrument: Instrument): RecordHeader {
  const declared = instrument.meta.recordHeader ?? {};
  const pick = (part: 'site' | 'date' | 'initials') => {
    const name = declared[part] ?? DEFAULTS[part];
    return questionOf(instrument, name) ? name : undefined;
  };
  const label = (declared.label ?? DEFAULTS.label).filter((n) => questionOf(instrument, n));
  const header: RecordHeader = { label };
  for (const part of ['site', 'date', 'initials'] as const) {
    const name = pick(part);
    if (name) header[part] = name;
  }
  return header;
}

const choicesOf = (q: Question): ItemValue[] => ('choices' in q ? (q as QuestionSelectBase).choices : []);

/** The site question's value for a site: the choice whose text is the site's name, or the name itself for a text question. */
function siteValue(q: Question, siteName: string): unknown {
  const choices = choicesOf(q);
  if (choices.length === 0) return siteName;
  const wanted = siteName.trim().toLocaleLowerCase('en-US');
  return choices.find((c) => c.text.trim().toLocaleLowerCase('en-US') === wanted)?.value;
}

/**
 * A new record's header: its site, today's date (YYYY-MM-DD, the server's clock) and the
 * interviewer's initials, each only where the instrument has the question and the value fits it
 * (a site that is not among the choices stays for the interviewer to pick).
 */
export function headerAnswers(
  instrument: Instrument,
  values: { siteName: string; today: string; initials: string },
): Answers {
  const header = recordHeaderOf(instrument);
  const answers: Answers = {};
  const put = (name: string | undefined, value: unknown) => {
    const q = questionOf(instrument, name);
    if (name && q && value !== undefined && value !== '' && checkQuestionValue(q, value).length === 0)
      answers[name] = value;
  };
  const siteQuestion = questionOf(instrument, header.site);
  put(header.site, siteQuestion ? siteValue(siteQuestion, values.siteName) : undefined);
  put(header.date, values.today);
  put(header.initials, values.initials);
  return answers;
}

/** A record's short label: the first answered label question (a choice by its text), else "Record <id>". */
export function recordLabel(instrument: Instrument | undefined, answers: Answers, id: number): string {
  if (instrument) {
    for (const name of recordHeaderOf(instrument).label) {
      const value = answers[name];
      if (value === undefined || value === null || value === '') continue;
      const q = questionOf(instrument, name);
      const choice = q ? choicesOf(q).find((c) => c.value === value) : undefined;
      const text = choice ? choice.text : typeof value === 'object' ? '' : String(value);
      if (text.trim()) return text.trim().slice(0, 80);
    }
  }
  return `Record ${id}`;
}

/**
 * What a refused record keeps: the answers to the questions of the page that holds the consent
 * question (the header and the refusal itself), with their "other" texts.
 */
export function refusalAnswers(instrument: Instrument, consentQuestion: string, answers: Answers): Answers {
  const consent = questionOf(instrument, consentQuestion);
  const page = consent?.page as PageModel | undefined;
  const names = new Set<string>(page ? page.questions.map((q) => q.name) : [consentQuestion]);
  const kept: Answers = {};
  for (const [key, value] of Object.entries(answers)) {
    const base = key.endsWith('-Comment') ? key.slice(0, -'-Comment'.length) : key;
    if (names.has(base)) kept[key] = value;
  }
  return kept;
}
