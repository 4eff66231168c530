import type { Question } from 'survey-core';
import { instrumentStructure } from '../instruments/answers.js';
import type { Instrument } from '../instruments/registry.js';

/** One note field: a comment question at the top level of a page, under the page's title as its topic. */
export type NoteField = { question: string; title: string; topic: string };

/** One topic of an interview's text as it is written: its heading and the notes typed under it. */
export type NoteSection = { topic: string; notes: { question: string; title: string; text: string }[] };

/**
 * The interviewee's case variables, read from the questions of the interview record's header.
 * The Phase II interview instruments share these names (instruments/cs-*-interview.json); an
 * instrument without one of them simply has no value for that variable.
 */
export const INTERVIEWEE_QUESTIONS = Object.freeze({ role: 'h_role', agency: 'h_agency', years: 'h_years' });

export type IntervieweeValues = { role?: string; agency?: string; years?: number };

/** Each instrument's note fields, read once: an export asks for them for every record. */
const noteFields = new WeakMap<Instrument, readonly NoteField[]>();

/**
 * The note fields of an instrument, in questionnaire order. Notes are the long answers of comment
 * questions; a comment inside a repeating panel belongs to an entry, not to the interview, and is
 * left to the statistical export.
 */
export function noteFieldsOf(instrument: Instrument): readonly NoteField[] {
  let fields = noteFields.get(instrument);
  if (!fields) {
    fields = instrumentStructure(instrument)
      .getAllQuestions(false, false, false)
      .filter((q: Question) => q.getType() === 'comment')
      .map((q: Question) => {
        const page = q.page as { title?: string; name: string } | undefined;
        return { question: q.name, title: q.title || q.name, topic: page?.title || page?.name || '' };
      });
    noteFields.set(instrument, fields);
  }
  return fields;
}

/**
 * An interview, as a qualitative analysis takes it: an instrument entered by an interviewer that
 * has note fields. The case-file abstraction form is entered by staff too but holds no notes.
 */
export function isInterviewInstrument(instrument: Instrument): boolean {
  return instrument.meta.mode === 'interviewer' && noteFieldsOf(instrument).length > 0;
}

/** The notes of one record, grouped by topic in questionnaire order; unanswered note fields are left out. */
export function noteSections(instrument: Instrument, answers: Record<string, unknown>): NoteSection[] {
  const sections: NoteSection[] = [];
  for (const field of noteFieldsOf(instrument)) {
    const text = answers[field.question];
    if (typeof text !== 'string' || text.trim() === '') continue;
    const last = sections.at(-1);
    const note = { question: field.question, title: field.title, text };
    if (last && last.topic === field.topic) last.notes.push(note);
    else sections.push({ topic: field.topic, notes: [note] });
  }
  return sections;
}

/**
 * The plain text of an interview source: each topic as a heading line, then its notes exactly as
 * typed (line breaks, tabs and every other character kept), topics apart by a blank line. A page
 * with several note fields gives each note its question's title as a second heading.
 */
export function notesText(sections: readonly NoteSection[]): string {
  return sections
    .map((section) => {
      const several = section.notes.length > 1;
      const notes = section.notes.map((n) => (several ? `${n.title}\n${n.text}` : n.text));
      return `${section.topic}\n\n${notes.join('\n\n')}\n`;
    })
    .join('\n');
}

/** A choice answer as its text; an "Other" choice followed by what its `<name>_oth` question says. */
function choiceText(instrument: Instrument, name: string, answers: Record<string, unknown>): string | undefined {
  const value = answers[name];
  if (value === undefined || value === null || value === '') return undefined;
  const question = instrumentStructure(instrument).getQuestionByName(name) as
    | (Question & { choices?: { value: unknown; text: string }[] })
    | null;
  const text = question?.choices?.find((c) => c.value === value)?.text ?? String(value);
  const other = answers[`${name}_oth`];
  return typeof other === 'string' && other.trim() !== '' ? `${text}: ${other.trim()}` : text;
}

/** The interviewee's role, agency type and years in role, as far as the record answers them. */
export function intervieweeValues(instrument: Instrument, answers: Record<string, unknown>): IntervieweeValues {
  const role = choiceText(instrument, INTERVIEWEE_QUESTIONS.role, answers);
  const agency = choiceText(instrument, INTERVIEWEE_QUESTIONS.agency, answers);
  const years = answers[INTERVIEWEE_QUESTIONS.years];
  return {
    ...(role === undefined ? {} : { role }),
    ...(agency === undefined ? {} : { agency }),
    ...(typeof years === 'number' && Number.isInteger(years) ? { years } : {}),
  };
}
