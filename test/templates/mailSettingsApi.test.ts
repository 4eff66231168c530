import { describe, expect, it } from 'vitest';
import { addMember, type Session, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv } from '../support/app.js';

async function fielded(): Promise<{ env: TestEnv; staff: Session }> {
  const env = staffEnv();
  seedFielding(env, { name: 'wave1', offices: 2 });
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email) };
}

const SETTINGS = {
  reminderDays: [5, 12, 26],
  remindersEnabled: true,
  thankYouEnabled: true,
  thankYouTo: 'all',
  perMinute: 300,
  deadline: 'Friday, June 30, 2027',
  eligibilityEstimate: 0.92,
};
const PATH = '/api/staff/fieldings/wave1/mail-settings';

describe('GET /api/staff/fieldings/:name/mail-settings', () => {
  it('gives the defaults before anything is saved', async () => {
    const { staff } = await fielded();
    const res = await staff.get(PATH);
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({
      reminderDays: [7, 14, 21],
      remindersEnabled: false,
      thankYouEnabled: false,
      thankYouTo: 'submitter',
      perMinute: 120,
      deadline: null,
      eligibilityEstimate: null,
    });
  });

  it('is open to analysts, who may not change the settings', async () => {
    const { env } = await fielded();
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const analyst = await signIn(env, email);
    expect((await analyst.get(PATH)).status).toBe(200);
    const res = await analyst.send('put', PATH, SETTINGS);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('PUT /api/staff/fieldings/:name/mail-settings', () => {
  it('replaces the settings, which GET then returns, and audits only what changed, from and to', async () => {
    const { env, staff } = await fielded();
    const res = await staff.send('put', PATH, SETTINGS);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.settings).toEqual(SETTINGS);
    expect((await staff.get(PATH)).body.settings).toEqual(SETTINGS);
    await staff.send('put', PATH, { ...SETTINGS, perMinute: 30, deadline: '  ' }).expect(200);
    expect((await staff.get(PATH)).body.settings).toEqual({ ...SETTINGS, perMinute: 30, deadline: null });
    const entries = env.db
      .prepare<[], { actor: string; fielding: string; detail: string }>(
        "SELECT actor, fielding, detail FROM audit_log WHERE action = 'mail_settings.change' ORDER BY id",
      )
      .all();
    expect(entries.map((e) => [e.actor, e.fielding])).toEqual([
      ['field@study.example.org', 'wave1'],
      ['field@study.example.org', 'wave1'],
    ]);
    expect(JSON.parse(entries[1]?.detail ?? '')).toEqual({
      changed: {
        perMinute: { from: 300, to: 30 },
        deadline: { from: 'Friday, June 30, 2027', to: null },
      },
    });
    expect(Object.keys(JSON.parse(entries[0]?.detail ?? '').changed)).toEqual(Object.keys(SETTINGS));
  });

  it.each([
    ['reminder days that do not increase', { reminderDays: [7, 7, 14] }, 'reminderDays', /strictly increasing/],
    ['a reminder on day 0', { reminderDays: [0, 7] }, 'reminderDays.0', /./],
    ['a reminder after a year', { reminderDays: [7, 366] }, 'reminderDays.1', /./],
    ['a part day', { reminderDays: [1.5] }, 'reminderDays.0', /whole number of days/],
    ['more than 10 reminders', { reminderDays: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, 'reminderDays', /at most 10/],
    ['reminders on without a day', { reminderDays: [] }, 'reminderDays', /at least one day/],
    ['no mail at all per minute', { perMinute: 0 }, 'perMinute', /./],
    ['more than 100,000 a minute', { perMinute: 100_001 }, 'perMinute', /./],
    ['a deadline over 100 characters', { deadline: 'x'.repeat(101) }, 'deadline', /./],
    ['an eligibility share above 1', { eligibilityEstimate: 1.2 }, 'eligibilityEstimate', /./],
    ['an eligibility share below 0', { eligibilityEstimate: -0.1 }, 'eligibilityEstimate', /./],
    ['a setting left out', { thankYouEnabled: undefined }, 'thankYouEnabled', /./],
    ['thank-yous to nobody in particular', { thankYouTo: 'everyone' }, 'thankYouTo', /"submitter".*or "all"/],
    ['an unknown setting', { remindersPerDay: 3 }, '(whole)', /remindersPerDay/],
  ])('refuses %s with 400 naming the setting, and keeps the stored ones', async (_what, change, path, message) => {
    const { env, staff } = await fielded();
    const res = await staff.send('put', PATH, { ...SETTINGS, ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details.problems).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect((await staff.get(PATH)).body.settings.perMinute).toBe(120);
    expect(env.db.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'mail%'").pluck().get()).toBe(0);
  });

  it('answers 404 for an unknown fielding', async () => {
    const { staff } = await fielded();
    expect((await staff.send('put', '/api/staff/fieldings/nowhere/mail-settings', SETTINGS)).status).toBe(404);
    expect((await staff.get('/api/staff/fieldings/nowhere/mail-settings')).status).toBe(404);
  });
});
