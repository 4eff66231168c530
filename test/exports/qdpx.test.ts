import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { buildQdaProject, type QdaInterview, qdaGuid, qdpxStream } from '../../server/exports/qdpx.js';
import { isInterviewInstrument, noteFieldsOf } from '../../server/exports/qdpxNotes.js';
import type { Instrument } from '../../server/instruments/registry.js';
import { shippedInstruments } from '../support/app.js';
import { sourceTexts, summarizeQde, validateProjectQde } from '../support/qdpx.js';
import { unzipWithPython } from '../support/zip.js';

const KEY = 'ab'.repeat(32);
const instrument = (id: string) => shippedInstruments().resolve(id) as Instrument;

/** Everything a note can hold that a careless writer breaks: markup, entities, quotes, line ends, tabs, astral planes. */
const HARD_NOTES = [
  'Plain words, then <b>markup</b> & &amp; entities, "double" and \'single\' quotes.',
  'Windows line\r\nend, old Mac\rend, Unix\nend, a tab\there, trailing spaces   ',
  'Ünïcödé: São Paulo, Kraków, 東京, עברית, Ελληνικά; emoji 👩🏽‍⚖️ 🚔 and a flag 🇲🇽; NBSP\u00a0and ZWJ\u200d.',
  ']]> <![CDATA[ not a section ]]> and a lone > too',
];

function interview(overrides: Partial<QdaInterview> = {}): QdaInterview {
  return {
    recordId: 7,
    instrument: instrument('cs-prosecutor-interview'),
    answers: {
      h_site: 1,
      h_role: 2,
      h_agency: 1,
      h_years: 12,
      h_consent: 1,
      p1_history_notes: HARD_NOTES[0],
      p3_charging_notes: HARD_NOTES[1],
      p7_sentence_notes: HARD_NOTES[2],
      p11_lessons_notes: HARD_NOTES[3],
    },
    site: 'San Diego',
    startedBy: { id: 3, name: 'Maria de Lopez' },
    lastSavedBy: { id: 4, name: 'JK' },
    createdAt: '2027-02-01T09:00:00.000Z',
    updatedAt: '2027-02-02T16:30:00.000Z',
    ...overrides,
  };
}

async function qdpxOf(interviews: QdaInterview[]) {
  const project = buildQdaProject({
    name: 'Interview notes: San Diego',
    guidKey: KEY,
    createdAt: '2027-02-03T10:00:00.000Z',
    interviews,
  });
  const zip = await buffer(qdpxStream(project, new Date('2027-02-03T10:00:00.000Z')));
  return { project, files: unzipWithPython(zip) };
}

describe('the interview instruments', () => {
  it('are the interviewer-mode instruments with note fields: the three interviews, not the case-file form or the survey', () => {
    const interviews = shippedInstruments()
      .all()
      .filter(isInterviewInstrument)
      .map((i) => i.meta.id)
      .sort();
    expect(interviews).toEqual([
      'cs-law-enforcement-interview',
      'cs-prosecutor-interview',
      'cs-victim-services-interview',
    ]);
  });

  it('takes the note fields in questionnaire order, each with its page title as topic', () => {
    const fields = noteFieldsOf(instrument('cs-law-enforcement-interview'));
    expect(fields.map((f) => [f.question, f.topic])).toEqual([
      ['l1_sources_notes', '1. How cases are found'],
      ['l2_pros_notes', '2. Working with prosecutors'],
      ['l3_interview_notes', '3. Interviewing victims'],
      ['l4_buyer_notes', '4. Operations aimed at buyers'],
      ['l5_training_notes', '5. Training'],
      ['l6_obstacle_notes', '6. Obstacles'],
    ]);
  });
});

describe('buildQdaProject and qdpxStream', () => {
  it('writes a project.qde that the REFI-QDA schema accepts (xmllint), in the QDA-XML namespace', async () => {
    const { files } = await qdpxOf([
      interview(),
      interview({
        recordId: 9,
        instrument: instrument('cs-victim-services-interview'),
        answers: { v3_trauma_notes: 'x' },
      }),
    ]);
    const verdict = validateProjectQde(files['project.qde'] as string);
    expect(verdict.output).toMatch(/validates/);
    expect(verdict.valid).toBe(true);
    expect(summarizeQde(files['project.qde'] as string).namespace).toBe('urn:QDA-XML:project:1.0');
  });

  it('groups the sources in one set per interview instrument', async () => {
    const victims = instrument('cs-victim-services-interview');
    const { files } = await qdpxOf([
      interview({ recordId: 1 }),
      interview({ recordId: 2, instrument: victims, answers: { v1_identify_notes: 'a' } }),
      interview({ recordId: 3 }),
    ]);
    const summary = summarizeQde(files['project.qde'] as string);
    const [one, two, three] = summary.sources.map((s) => s.guid);
    expect(summary.sets).toEqual([
      { name: instrument('cs-prosecutor-interview').meta.title, sources: [one, three] },
      { name: victims.meta.title, sources: [two] },
    ]);
  });

  it('keeps every character of every note: each source, unzipped, holds the notes exactly as typed under their topics', async () => {
    const { files } = await qdpxOf([interview()]);
    const summary = summarizeQde(files['project.qde'] as string);
    const [text] = [...sourceTexts(files, summary).values()];
    expect(text).toBe(
      [
        "1. History of the office's trafficking work",
        HARD_NOTES[0],
        '3. Charging decisions',
        HARD_NOTES[1],
        '7. Sentencing',
        HARD_NOTES[2],
        '11. Lessons for other jurisdictions',
        `${HARD_NOTES[3]}\n`,
      ].join('\n\n'),
    );
    for (const note of HARD_NOTES) expect(text).toContain(note as string);
  });

  it('makes the interviewee a case with site, role, agency type and years in role, linked to the source; the interviewers users', async () => {
    const { files } = await qdpxOf([
      interview(),
      interview({
        recordId: 8,
        answers: { h_role: 7, h_role_oth: 'Anti-trafficking coordinator', p1_history_notes: 'n' },
        startedBy: { id: 4, name: 'JK' },
      }),
    ]);
    const summary = summarizeQde(files['project.qde'] as string);
    expect(summary.variables.map((v) => [v.name, v.type])).toEqual([
      ['Site', 'Text'],
      ['Role', 'Text'],
      ['Agency type', 'Text'],
      ['Years in role', 'Integer'],
    ]);
    expect(summary.users.map((u) => u.name)).toEqual(['Maria de Lopez', 'JK']);
    const [maria, jk] = summary.users;
    expect(summary.cases.map((c) => c.values)).toEqual([
      {
        Site: 'San Diego',
        Role: 'Deputy or first assistant prosecutor',
        'Agency type': "Local prosecutor's office",
        'Years in role': '12',
      },
      { Site: 'San Diego', Role: 'Other (please specify): Anti-trafficking coordinator' },
    ]);
    expect(summary.cases.map((c) => c.sources)).toEqual(summary.sources.map((s) => [s.guid]));
    expect(summary.sources.map((s) => [s.creatingUser, s.modifyingUser])).toEqual([
      [maria?.guid, jk?.guid],
      [jk?.guid, jk?.guid],
    ]);
    expect(Object.keys(files).sort()).toEqual(
      ['project.qde', ...summary.sources.map((s) => `Sources/${s.path.slice('internal://'.length)}`)].sort(),
    );
  });

  it('gives a record the same source, case and user GUIDs in every export, so codings map onto a re-export', async () => {
    const first = await qdpxOf([interview()]);
    const again = await qdpxOf([
      interview({ recordId: 2, answers: {} }),
      interview({ updatedAt: '2027-03-01T08:00:00.000Z' }),
    ]);
    const a = summarizeQde(first.files['project.qde'] as string);
    const b = summarizeQde(again.files['project.qde'] as string);
    expect(b.sources[1]?.guid).toBe(a.sources[0]?.guid);
    expect(b.cases[1]?.guid).toBe(a.cases[0]?.guid);
    expect(b.users).toEqual(a.users);
    expect(b.sources[0]?.guid).not.toBe(a.sources[0]?.guid);
  });

  it('escapes markup and drops characters XML cannot carry in names, so an odd "other" text still validates', async () => {
    const { files } = await qdpxOf([
      interview({ site: 'Ramsey <County> & "St. Paul"', answers: { h_role: 7, h_role_oth: 'A\u0007B\tC\r\nD' } }),
    ]);
    expect(validateProjectQde(files['project.qde'] as string).valid).toBe(true);
    const summary = summarizeQde(files['project.qde'] as string);
    expect(summary.cases[0]?.values).toMatchObject({
      Site: 'Ramsey <County> & "St. Paul"',
      Role: 'Other (please specify): A\ufffdB\tC\r\nD',
    });
  });
});

describe('qdaGuid', () => {
  it('is a GUID of the schema’s pattern, the same for the same key and name, different for another key or name', () => {
    const a = qdaGuid(KEY, 'source:7');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(qdaGuid(KEY, 'source:7')).toBe(a);
    expect(qdaGuid(KEY, 'source:8')).not.toBe(a);
    expect(qdaGuid('cd'.repeat(32), 'source:7')).not.toBe(a);
  });
});
