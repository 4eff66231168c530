import { describe, expect, it } from 'vitest';
import { workspace } from '../cli/workspace.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';

const REFUSAL =
  'cs-case-file-abstraction is an interviewer-mode instrument: it is entered by staff as Phase II records at a site';

describe('an interviewer-mode instrument is never fielded to respondents by link (point 7)', () => {
  it('POST /api/staff/fieldings refuses it with 422 instrument_not_self, creating nothing', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    const res = await staff
      .send('post', '/api/staff/fieldings?name=cases&instrument=cs-case-file-abstraction')
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(frameCsv([frameRow(1)]), 'utf8'));
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('instrument_not_self');
    expect(res.body.error.message).toContain(REFUSAL);
    expect(env.db.prepare('SELECT count(*) AS n FROM tokens').get()).toEqual({ n: 0 });
    expect(env.db.prepare('SELECT count(*) AS n FROM fieldings').get()).toEqual({ n: 0 });
  });

  it('fieldkit fielding create refuses it with the same message and writes no links file', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));
    const result = await ws.run(
      'fielding',
      'create',
      '--name',
      'cases',
      '--instrument',
      'cs-prosecutor-interview',
      '--frame',
      frame,
      '--links-out',
      'links.csv',
    );
    expect(result.code).not.toBe(0);
    expect(result.err).toContain(
      'cs-prosecutor-interview is an interviewer-mode instrument: it is entered by staff as Phase II records at a site',
    );
    expect(ws.counts()).toMatchObject({ fieldings: 0, tokens: 0 });
  });
});
