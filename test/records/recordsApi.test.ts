import { describe, expect, it } from 'vitest';
import {
  OpenRecordSchema,
  type RecordChange,
  RecordHistorySchema,
  RecordPageSchema,
} from '../../server/contracts/records.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { CASE_FILE, PROSECUTOR_INTERVIEW, siteWithInterviewer } from '../factories/sites.js';
import { everyRole, type Session, staffEnv } from '../staff/setup.js';
import { shippedInstruments } from '../support/app.js';

async function sanDiego() {
  const env = staffEnv();
  const sessions = await everyRole(env);
  const sd = await siteWithInterviewer(env, sessions.admin, {
    name: 'San Diego',
    interviewer: 'maria@study.example.org',
    fullName: 'Maria de Lopez',
  });
  return { env, ...sessions, ...sd };
}

async function start(session: Session, siteId: number, instrumentId = CASE_FILE) {
  const res = await session.send('post', '/api/staff/records', { siteId, instrumentId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return OpenRecordSchema.parse(res.body);
}

/** Valid answers to the whole case-file form, the header as the record has it. */
function fullCaseFile(header: Record<string, unknown>): Record<string, unknown> {
  const instrument = shippedInstruments().resolve(CASE_FILE);
  if (!instrument) throw new Error('case-file instrument missing');
  return { ...generateAnswers(instrument.survey).answers, ...header, h_authorized: 1 };
}

const history = async (session: Session, id: number) =>
  RecordHistorySchema.parse((await session.get(`/api/staff/records/${id}/history`).expect(200)).body).changes;
const brief = (changes: RecordChange[]) =>
  changes.map((c) => [c.revision, c.variable, c.oldValue, c.newValue, c.by.initials, c.reason]);

describe('POST /api/staff/records', () => {
  it('starts a record with the header prefilled: the site choice, today (server clock), the initials', async () => {
    const { env, interviewer, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    expect(record.answers).toEqual({ h_site: 1, h_date: env.clock().toISOString().slice(0, 10), h_initials: 'MDL' });
    expect(record).toMatchObject({
      status: 'in_progress',
      revision: 0,
      page: 0,
      label: `Record ${record.id}`,
      site: { id: site.id, name: 'San Diego' },
      startedBy: { initials: 'MDL', fullName: 'Maria de Lopez' },
      editable: true,
      reopenable: false,
    });
    expect(record.instrument.consent).toEqual({ question: 'h_authorized', declineValue: 2 });
  });

  it('leaves the site question empty when no choice has the site’s name', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const { site, interviewer } = await siteWithInterviewer(env, admin, {
      name: 'Fresno',
      interviewer: 'jo@study.example.org',
    });
    const record = await start(interviewer, site.id);
    expect(record.answers).toEqual({ h_date: '2027-02-01', h_initials: 'JO' });
  });

  it('refuses a self-administered instrument with 422 (point 7), and one the site does not use', async () => {
    const { admin, interviewer, site } = await sanDiego();
    const self = await interviewer.send('post', '/api/staff/records', {
      siteId: site.id,
      instrumentId: 'tip-prosecutor-survey',
    });
    expect([self.status, self.body.error.code]).toEqual([422, 'instrument_not_interviewer']);
    expect(self.body.error.message).toContain('tip-prosecutor-survey is a self-administered instrument');
    await admin.send('put', `/api/staff/sites/${site.id}/instruments`, { instrumentIds: [CASE_FILE] }).expect(200);
    const other = await interviewer.send('post', '/api/staff/records', {
      siteId: site.id,
      instrumentId: PROSECUTOR_INTERVIEW,
    });
    expect([other.status, other.body.error.code]).toEqual([422, 'instrument_not_at_site']);
  });
});

describe('PUT /api/staff/records/:recordId/draft', () => {
  it('saves with the respondent protocol: a stale revision gets 409 with the server’s draft', async () => {
    const { interviewer, admin, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    const first = await interviewer.send('put', `/api/staff/records/${record.id}/draft`, {
      answers: { ...record.answers, cf_code: 'SD-14-07' },
      page: 1,
      revision: 0,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ revision: 1, savedAt: '2027-02-01T09:00:00.000Z' });
    const stale = await admin.send('put', `/api/staff/records/${record.id}/draft`, {
      answers: { cf_code: 'other' },
      page: 0,
      revision: 0,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_revision');
    expect(stale.body.error.details).toEqual({
      answers: { ...record.answers, cf_code: 'SD-14-07' },
      page: 1,
      revision: 1,
    });
    const opened = OpenRecordSchema.parse((await admin.get(`/api/staff/records/${record.id}`).expect(200)).body);
    expect(opened).toMatchObject({ label: 'SD-14-07', revision: 1, page: 1, updatedBy: { initials: 'MDL' } });
  });

  it('refuses an answer that does not fit its question with 400, saving nothing', async () => {
    const { interviewer, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    const res = await interviewer.send('put', `/api/staff/records/${record.id}/draft`, {
      answers: { h_site: 9 },
      page: 0,
      revision: 0,
    });
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_answers']);
    expect(res.body.error.details.questions).toHaveProperty('h_site');
  });

  it('writes one change row per changed variable, in the same save, from the start on', async () => {
    const { interviewer, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    await interviewer
      .send('put', `/api/staff/records/${record.id}/draft`, {
        answers: { ...record.answers, h_initials: 'MDL2', cf_code: 'X' },
        page: 0,
        revision: 0,
      })
      .expect(200);
    const changes = await history(interviewer, record.id);
    expect(brief(changes)).toEqual([
      [0, '(status)', null, 'in_progress', 'MDL', null],
      [0, 'h_site', null, 1, 'MDL', null],
      [0, 'h_date', null, '2027-02-01', 'MDL', null],
      [0, 'h_initials', null, 'MDL', 'MDL', null],
      [1, 'h_initials', 'MDL', 'MDL2', 'MDL', null],
      [1, 'cf_code', null, 'X', 'MDL', null],
    ]);
    expect(changes.find((c) => c.variable === 'cf_code')?.title).toMatch(/\S/);
  });
});

describe('POST /api/staff/records/:recordId/finalize', () => {
  it('refuses incomplete answers with 422 and keeps the saved draft', async () => {
    const { interviewer, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    const res = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, {
      answers: { ...record.answers, h_authorized: 1 },
      revision: 0,
    });
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_answers']);
    expect(Object.keys(res.body.error.details.questions).length).toBeGreaterThan(0);
    const opened = OpenRecordSchema.parse((await interviewer.get(`/api/staff/records/${record.id}`)).body);
    expect(opened).toMatchObject({ status: 'in_progress', revision: 0, answers: record.answers });
  });

  it('makes a complete record final and read-only: drafts and a second finalize get 409 record_final', async () => {
    const { interviewer, analyst, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    const answers = fullCaseFile(record.answers);
    const res = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 0 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(OpenRecordSchema.parse(res.body)).toMatchObject({
      status: 'final',
      revision: 1,
      finalizedAt: '2027-02-01T09:00:00.000Z',
      finalizedBy: { initials: 'MDL' },
      editable: false,
      reopenable: false,
    });
    const draft = await interviewer.send('put', `/api/staff/records/${record.id}/draft`, {
      answers,
      page: 0,
      revision: 1,
    });
    expect([draft.status, draft.body.error.code]).toEqual([409, 'record_final']);
    const again = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 1 });
    expect([again.status, again.body.error.code]).toEqual([409, 'record_final']);
    // An analyst reads it, and may not reopen it.
    expect((await analyst.get(`/api/staff/records/${record.id}`)).body).toMatchObject({
      editable: false,
      reopenable: false,
    });
    const last = (await history(interviewer, record.id)).at(-1);
    expect([last?.variable, last?.oldValue, last?.newValue]).toEqual(['(status)', 'in_progress', 'final']);
  });

  it('ends a record without consent as refused, keeping only the header and the refusal', async () => {
    const { interviewer, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    await interviewer
      .send('put', `/api/staff/records/${record.id}/draft`, {
        answers: { ...record.answers, cf_code: 'SD-1', cf_year: 2012 },
        page: 1,
        revision: 0,
      })
      .expect(200);
    const res = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, {
      answers: { ...record.answers, h_authorized: 2, cf_code: 'SD-1', cf_year: 2012 },
      revision: 1,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const refused = OpenRecordSchema.parse(res.body);
    expect(refused.status).toBe('refused');
    expect(refused.answers).toEqual({ ...record.answers, h_authorized: 2 });
    const dropped = (await history(interviewer, record.id)).filter((c) => c.revision === 2);
    expect(dropped.map((c) => [c.variable, c.oldValue, c.newValue])).toEqual([
      ['h_authorized', null, 2],
      ['cf_code', 'SD-1', null],
      ['cf_year', 2012, null],
      ['(status)', 'in_progress', 'refused'],
    ]);
  });
});

describe('POST /api/staff/records/:recordId/reopen', () => {
  it('needs a lead and a reason; every change until final again carries the reason', async () => {
    const { interviewer, admin, site } = await sanDiego();
    const record = await start(interviewer, site.id);
    const answers = fullCaseFile(record.answers);
    await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 0 }).expect(200);

    const byInterviewer = await interviewer.send('post', `/api/staff/records/${record.id}/reopen`, { reason: 'typo' });
    expect([byInterviewer.status, byInterviewer.body.error.code]).toEqual([403, 'forbidden']);
    const blank = await admin.send('post', `/api/staff/records/${record.id}/reopen`, { reason: '   ' });
    expect([blank.status, blank.body.error.code]).toEqual([400, 'invalid_input']);
    expect(JSON.stringify(blank.body.error)).toContain('say why the record is reopened');
    const long = await admin.send('post', `/api/staff/records/${record.id}/reopen`, { reason: 'x'.repeat(501) });
    expect(long.status).toBe(400);

    const reopened = await admin.send('post', `/api/staff/records/${record.id}/reopen`, {
      reason: 'Sentence misread from the judgment',
    });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(OpenRecordSchema.parse(reopened.body)).toMatchObject({
      status: 'in_progress',
      revision: 2,
      reopenReason: 'Sentence misread from the judgment',
      finalizedAt: null,
      editable: true,
    });
    const twice = await admin.send('post', `/api/staff/records/${record.id}/reopen`, { reason: 'again' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'record_not_final']);

    const corrected = { ...answers, cf_defs: [{ ...(answers.cf_defs as object[])[0], d_sentmo: 18 }] };
    await admin
      .send('put', `/api/staff/records/${record.id}/draft`, { answers: corrected, page: 3, revision: 2 })
      .expect(200);
    const final = await admin.send('post', `/api/staff/records/${record.id}/finalize`, {
      answers: corrected,
      revision: 3,
    });
    expect(final.status, JSON.stringify(final.body)).toBe(200);
    expect(final.body.reopenReason).toBeNull();

    const late = (await history(admin, record.id)).filter((c) => c.revision >= 2);
    expect(late.map((c) => [c.revision, c.variable, c.oldValue, c.newValue, c.by.initials, c.reason])).toEqual([
      [2, '(status)', 'final', 'in_progress', 'AD', 'Sentence misread from the judgment'],
      [
        3,
        'cf_defs[1].d_sentmo',
        (answers.cf_defs as { d_sentmo: number }[])[0]?.d_sentmo,
        18,
        'AD',
        'Sentence misread from the judgment',
      ],
      [4, '(status)', 'in_progress', 'final', 'AD', 'Sentence misread from the judgment'],
    ]);
    expect(late[1]?.title).toMatch(/sentence/i);
  });
});

describe('record_changes', () => {
  it('is append-only: an UPDATE or DELETE throws', async () => {
    const { env, interviewer, site } = await sanDiego();
    await start(interviewer, site.id);
    expect(() => env.db.prepare("UPDATE record_changes SET reason = 'x'").run()).toThrow(/append-only/);
    expect(() => env.db.prepare('DELETE FROM record_changes').run()).toThrow(/append-only/);
    expect(env.db.prepare('SELECT count(*) AS n FROM record_changes').get()).toEqual({ n: 4 });
  });
});

describe('GET /api/staff/records', () => {
  it('lists records newest first with their labels, filtered by site, instrument, interviewer and status', async () => {
    const { env, admin, interviewer, interviewerId, site } = await sanDiego();
    const caseFile = await start(interviewer, site.id);
    env.clock.advance(60_000);
    const interview = await start(interviewer, site.id, PROSECUTOR_INTERVIEW);
    await interviewer
      .send('put', `/api/staff/records/${interview.id}/draft`, {
        answers: { ...interview.answers, h_role: 1 },
        page: 0,
        revision: 0,
      })
      .expect(200);
    const miami = await siteWithInterviewer(env, admin, { name: 'Miami', interviewer: 'ana@study.example.org' });
    env.clock.advance(60_000);
    await start(miami.interviewer, miami.site.id);

    const all = RecordPageSchema.parse((await admin.get('/api/staff/records').expect(200)).body);
    expect(all.total).toBe(3);
    expect(all.records.map((r) => r.site.name)).toEqual(['Miami', 'San Diego', 'San Diego']);
    expect(all.records[1]).toMatchObject({
      id: interview.id,
      label: 'Chief or elected prosecutor',
      instrument: { id: PROSECUTOR_INTERVIEW, version: '1.0.0' },
      startedBy: { id: interviewerId, initials: 'MDL' },
      status: 'in_progress',
      revision: 1,
    });
    const ids = async (query: string) =>
      RecordPageSchema.parse((await admin.get(`/api/staff/records?${query}`).expect(200)).body).records.map(
        (r) => r.id,
      );
    expect(await ids(`site=${site.id}`)).toEqual([interview.id, caseFile.id]);
    expect(await ids(`site=${site.id}&instrument=${CASE_FILE}`)).toEqual([caseFile.id]);
    expect(await ids(`interviewer=${interviewerId}&pageSize=1`)).toEqual([interview.id]);
    expect(await ids(`interviewer=${interviewerId}&pageSize=1&page=2`)).toEqual([caseFile.id]);
    expect(await ids('status=final')).toEqual([]);
    const bad = await admin.get('/api/staff/records?status=done');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
  });
});
