import { describe, expect, it } from 'vitest';
import { OpenRecordSchema } from '../../server/contracts/records.js';
import { generateAnswers } from '../factories/generatedAnswers.js';
import { PROSECUTOR_INTERVIEW, siteWithInterviewer } from '../factories/sites.js';
import { everyRole, staffEnv } from '../staff/setup.js';
import { shippedInstruments } from '../support/app.js';

/**
 * The interview forms check the header date with `maxValueExpression: "today()"`. The server
 * prefills that date from its own clock, so the check must read the same clock: the tests' fake
 * clock (2027-02-01) runs ahead of the machine's, as FIELDKIT_NOW does on a rehearsal copy.
 */
describe('POST /api/staff/records/:recordId/finalize on the server clock', () => {
  it('finalizes an interview whose header date is the prefilled server today', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const { interviewer, site } = await siteWithInterviewer(env, admin, {
      name: 'San Diego',
      interviewer: 'maria@study.example.org',
      fullName: 'Maria de Lopez',
    });
    const started = await interviewer.send('post', '/api/staff/records', {
      siteId: site.id,
      instrumentId: PROSECUTOR_INTERVIEW,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const record = OpenRecordSchema.parse(started.body);
    const today = env.clock().toISOString().slice(0, 10);
    expect(record.answers.h_date).toBe(today);
    const instrument = shippedInstruments().resolve(PROSECUTOR_INTERVIEW);
    if (!instrument) throw new Error('prosecutor interview missing');
    const answers = { ...generateAnswers(instrument.survey).answers, ...record.answers, h_consent: 1 };

    const res = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 0 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(OpenRecordSchema.parse(res.body)).toMatchObject({ status: 'final', answers: { h_date: today } });
  });

  it('still refuses a header date after the server’s today', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const { interviewer, site } = await siteWithInterviewer(env, admin, {
      name: 'San Diego',
      interviewer: 'maria@study.example.org',
    });
    const record = OpenRecordSchema.parse(
      (await interviewer.send('post', '/api/staff/records', { siteId: site.id, instrumentId: PROSECUTOR_INTERVIEW }))
        .body,
    );
    const instrument = shippedInstruments().resolve(PROSECUTOR_INTERVIEW);
    if (!instrument) throw new Error('prosecutor interview missing');
    const tomorrow = new Date(env.clock().getTime() + 86_400_000).toISOString().slice(0, 10);
    const answers = {
      ...generateAnswers(instrument.survey).answers,
      ...record.answers,
      h_consent: 1,
      h_date: tomorrow,
    };

    const res = await interviewer.send('post', `/api/staff/records/${record.id}/finalize`, { answers, revision: 0 });
    expect([res.status, res.body.error?.code, Object.keys(res.body.error?.details?.questions ?? {})]).toEqual([
      422,
      'invalid_answers',
      ['h_date'],
    ]);
  });
});
