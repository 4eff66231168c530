import { describe, expect, it } from 'vitest';
import { OpenRecordSchema } from '../../server/contracts/records.js';
import type { Role } from '../../server/contracts/roles.js';
import type { Instrument } from '../../server/instruments/registry.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { prosecutorInterview, recordRows, setFullName } from '../factories/records.js';
import { PROSECUTOR_INTERVIEW, siteWithInterviewer } from '../factories/sites.js';
import { addMember, everyRole, type Session, signIn, staffEnv } from '../staff/setup.js';
import { binaryBody, shippedInstruments, type TestEnv } from '../support/app.js';
import { sourceTexts, summarizeQde, validateProjectQde } from '../support/qdpx.js';
import { unzipWithPython } from '../support/zip.js';

const NOTES = {
  history: 'Unit formed in 2012 after the "Operation Dawn" case.\r\nTwo ADAs <part-time> & one investigator.\tTab.',
  lessons: 'Start with labor cases — they’re underused 🙂\nKeep victim advocates in the room.',
};

async function member(env: TestEnv, role: Role, fullName = ''): Promise<{ id: number; session: Session }> {
  const { id, email } = await addMember(env, `${role}@study.example.org`, role);
  if (fullName) setFullName(env.db, id, fullName);
  return { id, session: await signIn(env, email) };
}

/** San Diego with one final and one in-progress prosecutor interview, a refusal and a case file; Miami with one interview. */
async function twoSites(env: TestEnv) {
  const rows = recordRows(env.db);
  const sanDiego = rows.site('San Diego');
  const miami = rows.site('Miami');
  const maria = await addMember(env, 'mdelopez@study.example.org', 'interviewer');
  setFullName(env.db, maria.id, 'Maria de Lopez');
  const jk = await addMember(env, 'jkim@study.example.org', 'interviewer');
  const final = rows.record({
    siteId: sanDiego,
    interviewerId: maria.id,
    updatedBy: jk.id,
    answers: prosecutorInterview(NOTES),
    instrumentId: 'cs-prosecutor-interview',
    status: 'final',
  });
  const inProgress = rows.record({
    siteId: sanDiego,
    interviewerId: jk.id,
    status: 'in_progress',
    answers: prosecutorInterview({ history: 'draft history', lessons: 'draft lessons' }),
    instrumentId: 'cs-prosecutor-interview',
  });
  rows.record({
    siteId: sanDiego,
    interviewerId: jk.id,
    status: 'refused',
    answers: { h_consent: 2 },
    instrumentId: 'cs-prosecutor-interview',
  });
  rows.record({
    siteId: sanDiego,
    interviewerId: jk.id,
    instrumentId: 'cs-case-file-abstraction',
    answers: { h_authorized: 1, cf_code: 'SD-0142' },
    status: 'final',
  });
  rows.record({
    siteId: miami,
    interviewerId: jk.id,
    answers: prosecutorInterview({ history: 'Miami', lessons: 'x' }),
    instrumentId: 'cs-prosecutor-interview',
    status: 'final',
  });
  return { sanDiego, miami, final, inProgress, interviewer: jk.id };
}

const download = (session: Session, siteId: number, body: object = {}) =>
  session.send('post', `/api/staff/sites/${siteId}/interview-notes`, body).buffer(true).parse(binaryBody);

describe('POST /api/staff/sites/:siteId/interview-notes', () => {
  it("streams the site's final interviews as a .qdpx that validates, with every note character, and audits it without the notes", async () => {
    const env = staffEnv();
    const { sanDiego, final } = await twoSites(env);
    const { session } = await member(env, 'analyst');
    const res = await download(session, sanDiego);
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="?San_Diego-interview-notes-2027-02-01\.qdpx"?$/,
    );
    const files = unzipWithPython(res.body as Buffer);
    const qde = files['project.qde'] as string;
    expect(validateProjectQde(qde).valid).toBe(true);
    const summary = summarizeQde(qde);
    // One source: the final interview of San Diego (not the draft, the refusal, the case file or Miami's).
    expect(summary.sources.map((s) => s.name)).toEqual([`Interview ${final} (San Diego)`]);
    expect(summary.users.map((u) => u.name)).toEqual(['Maria de Lopez', 'JK']);
    expect(summary.cases[0]?.values).toEqual({
      Site: 'San Diego',
      Role: 'Line prosecutor',
      'Agency type': "Local prosecutor's office",
      'Years in role': '6',
    });
    const [text] = [...sourceTexts(files, summary).values()];
    expect(text).toBe(
      `1. History of the office's trafficking work\n\n${NOTES.history}\n\n11. Lessons for other jurisdictions\n\n${NOTES.lessons}\n`,
    );
    const audit = env.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'export_notes'").all() as {
      actor: string;
      detail: string;
    }[];
    expect(audit).toEqual([
      {
        actor: 'analyst@study.example.org',
        detail: JSON.stringify({
          site: 'San Diego',
          format: 'qdpx',
          fileName: 'San_Diego-interview-notes-2027-02-01.qdpx',
          interviews: 1,
          records: [final],
          includeInProgress: false,
        }),
      },
    ]);
  });

  it('adds the interviews still in progress when asked, with the same GUID for the final one as before', async () => {
    const env = staffEnv();
    const { sanDiego, final, inProgress } = await twoSites(env);
    const { session } = await member(env, 'admin');
    const finalOnly = summarizeQde(unzipWithPython((await download(session, sanDiego)).body)['project.qde'] as string);
    const res = await download(session, sanDiego, { includeInProgress: true });
    expect(res.status).toBe(200);
    const both = summarizeQde(unzipWithPython(res.body)['project.qde'] as string);
    expect(both.sources.map((s) => s.name)).toEqual([
      `Interview ${final} (San Diego)`,
      `Interview ${inProgress} (San Diego)`,
    ]);
    expect(both.sources[0]?.guid).toBe(finalOnly.sources[0]?.guid);
  });

  it('is for admins and analysts: fieldwork staff and interviewers get 403', async () => {
    const env = staffEnv();
    const { sanDiego } = await twoSites(env);
    for (const role of ['fieldwork', 'interviewer'] as const) {
      const { session } = await member(env, role);
      const res = await session.send('post', `/api/staff/sites/${sanDiego}/interview-notes`, {});
      expect(res.status, role).toBe(403);
    }
  });

  it('answers a site without interviews with a clear 422, an unknown site with 404 and a public-use request with 400', async () => {
    const env = staffEnv();
    const { miami, interviewer } = await twoSites(env);
    const empty = recordRows(env.db).site('New York');
    const { session } = await member(env, 'analyst');

    const none = await session.send('post', `/api/staff/sites/${empty}/interview-notes`, {});
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({
      code: 'no_interviews',
      message: expect.stringMatching(/^New York has no interview records to export/),
    });

    recordRows(env.db).record({
      siteId: empty,
      interviewerId: interviewer,
      status: 'in_progress',
      answers: prosecutorInterview({ history: 'h', lessons: 'l' }),
      instrumentId: 'cs-prosecutor-interview',
    });
    const drafts = await session.send('post', `/api/staff/sites/${empty}/interview-notes`, {});
    expect(drafts.status).toBe(422);
    expect(drafts.body.error.message).toBe(
      'New York has no final interview records yet (1 still in progress): finalize them, or include interviews in progress.',
    );

    const unknown = await session.send('post', `/api/staff/sites/${miami + 99}/interview-notes`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('site_not_found');

    const publicUse = await session.send('post', `/api/staff/sites/${miami}/interview-notes`, { public: true });
    expect(publicUse.status).toBe(400);
    expect(JSON.stringify(publicUse.body.error)).toMatch(/public/);
    expect(env.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'export_notes'").pluck().get()).toBe(0);
  });

  it('exports an interview entered through the records API (draft, then final) with its notes exactly as typed', async () => {
    const env = staffEnv();
    const { admin, analyst } = await everyRole(env);
    const { site, interviewer } = await siteWithInterviewer(env, admin, {
      name: 'San Diego',
      interviewer: 'maria@study.example.org',
      fullName: 'Maria de Lopez',
      instruments: [PROSECUTOR_INTERVIEW],
    });
    const started = await interviewer.send('post', '/api/staff/records', {
      siteId: site.id,
      instrumentId: PROSECUTOR_INTERVIEW,
    });
    const record = OpenRecordSchema.parse(started.body);
    const instrument = shippedInstruments().resolve(PROSECUTOR_INTERVIEW) as Instrument;
    const notes = { p1_history_notes: NOTES.history, p11_lessons_notes: NOTES.lessons };
    const answers = {
      ...generateAnswers(instrument.survey).answers,
      ...record.answers,
      // SurveyJS checks today() against the machine's date, not the test's clock: an interview date in the past of both.
      h_date: '2026-11-30',
      h_consent: 1,
      ...notes,
    };
    await interviewer
      .send('put', `/api/staff/records/${record.id}/draft`, { answers, page: 1, revision: 0 })
      .expect(200);
    const final = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 1 });
    expect(final.status, JSON.stringify(final.body)).toBe(200);

    const res = await download(analyst, site.id);
    expect(res.status, res.body.toString()).toBe(200);
    const files = unzipWithPython(res.body as Buffer);
    const summary = summarizeQde(files['project.qde'] as string);
    expect(summary.users.map((u) => u.name)).toEqual(['Maria de Lopez']);
    const [text] = [...sourceTexts(files, summary).values()];
    expect(text).toContain(`1. History of the office's trafficking work\n\n${NOTES.history}\n`);
    expect(text).toContain(`11. Lessons for other jurisdictions\n\n${NOTES.lessons}\n`);
  });
});
