import { describe, expect, it } from 'vitest';
import { frameCsv, frameRow } from '../factories/frame.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';

const deputyOf = (number: number, overrides: Record<string, string> = {}) =>
  frameRow(number, { contact_name: 'Deputy', contact_email: `deputy@office${number}.example.org`, ...overrides });

async function uploadFrame(csv: string) {
  const env = staffEnv();
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  const staff = await signIn(env, email);
  const res = await staff
    .send('post', '/api/staff/fieldings?name=wave1&instrument=tip-prosecutor-survey&file=frame.csv')
    .set('Content-Type', 'text/csv')
    .send(Buffer.from(csv, 'utf8'));
  return { env, res };
}

describe('POST /api/staff/fieldings with several contacts per office', () => {
  it('creates one case per office and answers a link for every contact, the primary first', async () => {
    const { res } = await uploadFrame(frameCsv([frameRow(1), frameRow(2), deputyOf(1)]));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.fielding).toMatchObject({ cases: 2 });
    expect(res.body.links.map((l: { office_id: string; contact_email: string }) => l.contact_email)).toEqual([
      'contact1@office1.example.org',
      'deputy@office1.example.org',
      'contact2@office2.example.org',
    ]);
  });

  it('answers 422 naming both lines when a repeated office_id differs, and stores nothing', async () => {
    const { env, res } = await uploadFrame(frameCsv([frameRow(1), deputyOf(1, { population: '5' })]));
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems.map((p: { text: string }) => p.text)).toEqual([
      'frame.csv:3:5 (population): differs from line 2 for office "OFF-1"',
    ]);
    expect(env.db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
  });
});
