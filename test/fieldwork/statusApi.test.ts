import { describe, expect, it } from 'vitest';
import { FieldingStatusSchema } from '../../server/contracts/fieldwork.js';
import { parseCsv } from '../../server/platform/csv.js';
import { createRepos } from '../../server/repos.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import type { TestEnv } from '../support/app.js';
import { caseIdOf, fieldedWave, LARGE, MIDDLE, OFFICES, SMALL } from './fielded.js';

async function analyst(env: TestEnv) {
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return signIn(env, email);
}

/** A row of email_sends as the sender leaves it; only the status route reads them here. */
function recordSend(
  env: TestEnv,
  send: { office: string; kind: 'invitation' | 'reminder' | 'thank_you'; number?: number; status: string; at: string },
) {
  const caseId = caseIdOf(env, send.office);
  env.db
    .prepare(
      `INSERT INTO email_sends (fielding_id, case_id, contact_id, kind, number, status, queued_at, next_attempt_at, finished_at)
       SELECT c.fielding_id, c.id, k.id, ?, ?, ?, ?, ?, ? FROM cases c JOIN contacts k ON k.office_id = c.office_id WHERE c.id = ?`,
    )
    .run(send.kind, send.number ?? 0, send.status, send.at, send.at, send.at, caseId);
}

const zeroCounts = { I: 0, P: 0, R: 0, NC: 0, O: 0, UH: 0, UO: 0, NE: 0 };

describe('GET /api/staff/fieldings/:name/status', () => {
  it('counts every case by final disposition and stratum, in the contract the dashboard codes against', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const staff = await analyst(env);

    const res = await staff.get('/api/staff/fieldings/wave1/status');

    expect(res.status).toBe(200);
    expect(() => FieldingStatusSchema.parse(res.body)).not.toThrow();
    expect(res.body).toMatchObject({ fielding: 'wave1', asOf: '2027-02-03T09:00:00.000Z', cases: 10 });
    const byStratum = (small: number, middle: number, large: number) => ({
      [SMALL]: small,
      [MIDDLE]: middle,
      [LARGE]: large,
    });
    expect(res.body.dispositions).toEqual([
      { code: '1.1', label: 'Complete', group: 'I', count: 2, byStratum: byStratum(1, 1, 0) },
      { code: '1.2', label: 'Partial', group: 'P', count: 1, byStratum: byStratum(1, 0, 0) },
      { code: '2.11', label: 'Refusal', group: 'R', count: 2, byStratum: byStratum(1, 0, 1) },
      { code: '2.12', label: 'Break-off', group: 'R', count: 1, byStratum: byStratum(0, 1, 0) },
      { code: '3.19', label: 'Nothing returned', group: 'UH', count: 2, byStratum: byStratum(1, 0, 1) },
      {
        code: '3.30',
        label: 'Undeliverable (every address bounced)',
        group: 'UO',
        count: 1,
        byStratum: byStratum(1, 0, 0),
      },
      { code: '4.10', label: 'Not eligible', group: 'NE', count: 1, byStratum: byStratum(0, 1, 0) },
    ]);
    expect(res.body.overall.counts).toEqual({ ...zeroCounts, I: 2, P: 1, R: 3, UH: 2, UO: 1, NE: 1 });
    expect(res.body.strata.map((s: { stratum: string; cases: number }) => [s.stratum, s.cases])).toEqual([
      [LARGE, 2],
      [MIDDLE, 3],
      [SMALL, 5],
    ]);
    expect(res.body.strata[1].counts).toEqual({ ...zeroCounts, I: 1, R: 1, NE: 1 });
  });

  it('gives the rates with the default e, explained with its counts', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const staff = await analyst(env);

    const { body } = await staff.get('/api/staff/fieldings/wave1/status').expect(200);

    // Eligible I+P+R = 6 of 7 resolved (one not eligible); unknowns UH+UO = 3; RR1's denominator 9.
    expect(body.e).toEqual({
      value: 6 / 7,
      method: 'default',
      explanation: 'e = 6 eligible / 7 resolved cases (AAPOR default: eligible share among cases of known eligibility)',
    });
    expect(body.overall.rates.RR1).toBeCloseTo(2 / 9, 12);
    expect(body.overall.rates.RR2).toBeCloseTo(3 / 9, 12);
    expect(body.overall.rates.RR3).toBeCloseTo(2 / (6 + (3 * 6) / 7), 12); // 7/30
    expect(body.overall.rates.COOP1).toBeCloseTo(2 / 6, 12);
    expect(body.overall.rates.REF1).toBeCloseTo(3 / 9, 12);
    expect(body.overall.rates.CON3).toBe(1);
    // The large stratum: one refusal, one never opened; the middle one: the same e, 1 complete of 2.
    const [large, middle] = body.strata;
    expect(large.rates).toMatchObject({ RR1: 0, RR5: 0, COOP1: 0, REF1: 0.5 });
    expect(middle.rates.RR1).toBeCloseTo(1 / 2, 12);
  });

  it('takes e from the fielding’s setting when staff set one', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const repos = createRepos(env.db);
    const fielding = repos.fieldings.findFieldingByName('wave1');
    if (!fielding) throw new Error('no wave1');
    repos.fieldings.saveMailSettings(
      fielding.id,
      { ...repos.fieldings.mailSettingsOf(fielding.id), eligibilityEstimate: 0.5 },
      env.clock().toISOString(),
    );
    const staff = await analyst(env);

    const { body } = await staff.get('/api/staff/fieldings/wave1/status').expect(200);

    expect(body.e).toMatchObject({ value: 0.5, method: 'setting' });
    expect(body.e.explanation).toBe(
      'e = 0.5 (set by staff for this fielding; the default would be 6 eligible / 7 resolved cases)',
    );
    expect(body.overall.rates.RR3).toBeCloseTo(2 / 7.5, 12);
    expect(body.overall.rates.RR1).toBeCloseTo(2 / 9, 12);
  });

  it('gives cumulative completes and RR1 for each day since the first invitation, and the days mail went out', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    for (const office of OFFICES) {
      recordSend(env, {
        office: office.office_id as string,
        kind: 'invitation',
        status: 'sent',
        at: '2027-02-01T10:00:00.000Z',
      });
    }
    recordSend(env, { office: 'OFF-8', kind: 'reminder', number: 1, status: 'sent', at: '2027-02-02T10:00:00.000Z' });
    recordSend(env, { office: 'OFF-10', kind: 'reminder', number: 1, status: 'sent', at: '2027-02-02T11:00:00.000Z' });
    // Neither a rejected reminder nor a thank-you is a mailing of the fieldwork calendar.
    recordSend(env, {
      office: 'OFF-4',
      kind: 'reminder',
      number: 1,
      status: 'rejected',
      at: '2027-02-02T10:00:00.000Z',
    });
    recordSend(env, { office: 'OFF-1', kind: 'thank_you', status: 'sent', at: '2027-02-01T10:00:00.000Z' });
    const staff = await analyst(env);

    const { body } = await staff.get('/api/staff/fieldings/wave1/status').expect(200);

    expect(body.byDay).toEqual([
      { date: '2027-02-01', completes: 1, rr1: 1 / 9 },
      { date: '2027-02-02', completes: 1, rr1: 1 / 9 },
      { date: '2027-02-03', completes: 2, rr1: 2 / 9 },
    ]);
    expect(body.mailings).toEqual([
      { date: '2027-02-01', kind: 'invitation', number: 0, sent: 10 },
      { date: '2027-02-02', kind: 'reminder', number: 1, sent: 2 },
    ]);
  });

  it('answers an empty series and no mailings when nothing was sent, and at most 400 days', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    let staff = await analyst(env);
    let body = (await staff.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    expect(body.mailings).toEqual([]);
    expect(body.byDay).toHaveLength(3);

    env.clock.advance(500 * 24 * 60 * 60 * 1000);
    // Sessions end long before 500 days; this is a new one.
    staff = await signIn(env, 'analyst@study.example.org');
    body = (await staff.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    expect(body.byDay).toHaveLength(400);
    // The completes from before the first day shown still count.
    expect(body.byDay[0].completes).toBe(2);
    expect(body.byDay.at(-1).date).toBe(body.asOf.slice(0, 10));

    // A second fielding of three of the offices whose links were never issued: no invitation, no series.
    const repos = createRepos(env.db);
    const wave2 = repos.fieldings.insertFielding({
      name: 'wave2',
      instrumentId: 'tip-prosecutor-survey',
      instrumentVersion: '1.0.0',
      closesAt: null,
      at: env.clock().toISOString(),
    });
    for (const office of [1, 2, 3]) repos.cases.insertCase(wave2, office, env.clock().toISOString());
    body = (await staff.get('/api/staff/fieldings/wave2/status').expect(200)).body;
    expect(body).toMatchObject({ cases: 3, byDay: [], mailings: [] });
    expect(body.dispositions).toMatchObject([{ code: '3.11', group: 'UH', count: 3 }]);
    expect(body.overall.rates).toMatchObject({ RR1: 0, RR5: null });
  });

  it('follows the case log: a case marked not eligible leaves the denominators', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    const staff = await analyst(env);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const field = await signIn(env, email);
    await staff.get('/api/staff/fieldings/wave1/status').expect(200);

    await field
      .send('post', `/api/staff/cases/${caseIdOf(env, 'OFF-8')}/mark`, { as: 'ineligible', reason: 'Closed' })
      .expect(200);
    const { body } = await staff.get('/api/staff/fieldings/wave1/status').expect(200);

    expect(body.overall.counts).toMatchObject({ UH: 1, NE: 2 });
    expect(body.overall.rates.RR1).toBeCloseTo(2 / 8, 12);
  });

  it('answers 404 for a fielding that does not exist', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    const res = await staff.get('/api/staff/fieldings/nope/status');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No fielding named "nope".' } });
  });
});

describe('GET /api/staff/fieldings/:name/cases.csv', () => {
  it('downloads every case with its disposition, share answered, invitation and mail', async () => {
    const env = staffEnv();
    await fieldedWave(env);
    recordSend(env, { office: 'OFF-8', kind: 'invitation', status: 'sent', at: '2027-02-01T10:00:00.000Z' });
    recordSend(env, { office: 'OFF-8', kind: 'reminder', number: 1, status: 'sent', at: '2027-02-02T10:00:00.000Z' });
    recordSend(env, { office: 'OFF-8', kind: 'reminder', number: 2, status: 'queued', at: '2027-02-03T10:00:00.000Z' });
    const staff = await analyst(env);

    const res = await staff.get('/api/staff/fieldings/wave1/cases.csv');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename=wave1-cases-2027-02-03.csv');
    const [header, ...rows] = parseCsv(res.text).records.map((r) => r.fields);
    expect(header).toEqual([
      'office_id',
      'office_name',
      'state',
      'stratum',
      'status',
      'disposition',
      'disposition_label',
      'pct_answered',
      'invited_at',
      'last_email_at',
      'reminders_sent',
      'contacts_status',
    ]);
    expect(rows).toHaveLength(10);
    const byOffice = Object.fromEntries(rows.map((r) => [r[0], r]));
    expect(byOffice['OFF-1']?.slice(0, 7)).toEqual([
      'OFF-1',
      'Adams County DA',
      'PA',
      SMALL,
      'completed',
      '1.1',
      'Complete',
    ]);
    expect(Number(byOffice['OFF-1']?.[7])).toBeGreaterThanOrEqual(80);
    expect(byOffice['OFF-8']?.slice(4)).toEqual([
      'not_started',
      '3.19',
      'Nothing returned',
      '',
      // Invited on the day staff recorded the links handed out (fieldedWave), not when they were issued.
      '2027-02-01T00:00:00.000Z',
      '2027-02-02T10:00:00.000Z',
      '1',
      'active',
    ]);
    expect(byOffice['OFF-9']?.slice(5)).toEqual([
      '3.30',
      'Undeliverable (every address bounced)',
      '',
      '2027-02-01T00:00:00.000Z',
      '',
      '0',
      'undeliverable',
    ]);
  });

  it('makes office names that a spreadsheet would run as formulas inert', async () => {
    const env = staffEnv();
    const rows = OFFICES.map((o, i) =>
      i === 0 ? { ...o, office_name: '=HYPERLINK("http://x")' } : i === 1 ? { ...o, office_name: '@SUM(1)' } : o,
    );
    await fieldedWave(env, rows);
    const staff = await analyst(env);

    const res = await staff.get('/api/staff/fieldings/wave1/cases.csv').expect(200);

    expect(res.text).toContain('\'=HYPERLINK(""http://x"")');
    const names = parseCsv(res.text).records.map((r) => r.fields[1]);
    expect(names).toContain('\'=HYPERLINK("http://x")');
    expect(names).toContain("'@SUM(1)");
    expect(names.filter((n) => /^[=+\-@]/.test(n ?? ''))).toEqual([]);
  });

  it('answers 404 for a fielding that does not exist', async () => {
    const env = staffEnv();
    const staff = await analyst(env);
    expect((await staff.get('/api/staff/fieldings/nope/cases.csv')).status).toBe(404);
  });
});
