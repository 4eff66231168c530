import { describe, expect, it } from 'vitest';
import { issueLetters } from '../../server/letters/service.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import { parseCsv } from '../../server/platform/csv.js';
import { createRepos } from '../../server/repos.js';
import { createPilot, workspace } from '../cli/workspace.js';
import { caseOf, mailEnv } from '../mailings/setup.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv } from '../support/app.js';

const HOUR_MS = 60 * 60 * 1000;

async function fieldworkStaff(env: TestEnv) {
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return signIn(env, email);
}

/** Each office's disposition code and invited_at, from the case-list download. */
async function caseList(staff: Awaited<ReturnType<typeof fieldworkStaff>>, fielding = 'pilot') {
  const res = await staff.get(`/api/staff/fieldings/${fielding}/cases.csv`).expect(200);
  const [header, ...rows] = parseCsv(res.text).records.map((r) => r.fields);
  const at = (name: string) => (header as string[]).indexOf(name);
  return Object.fromEntries(rows.map((r) => [r[0], { code: r[at('disposition')], invitedAt: r[at('invited_at')] }]));
}

describe('invited means sent: a case is invited by an email sent, a letter printed or staff’s record', () => {
  it('leaves every case of a new fielding 3.11 "Not invited", with no invited_at, though its links were issued', async () => {
    const env = staffEnv();
    seedFielding(env, { offices: 3 });
    const staff = await fieldworkStaff(env);

    expect(await caseList(staff)).toEqual({
      'OFF-1': { code: '3.11', invitedAt: '' },
      'OFF-2': { code: '3.11', invitedAt: '' },
      'OFF-3': { code: '3.11', invitedAt: '' },
    });
    const status = (await staff.get('/api/staff/fieldings/pilot/status').expect(200)).body;
    expect(status.dispositions).toEqual([
      {
        code: '3.11',
        label: 'Not invited (no invitation sent)',
        group: 'UH',
        count: 3,
        byStratum: expect.any(Object),
      },
    ]);
    // Nothing invited yet: no day of the completes series has begun.
    expect(status.byDay).toEqual([]);
    // 3.11 and 3.19 are both of unknown eligibility (UH): the denominators are every case either way.
    expect(status.overall.rates).toMatchObject({ RR1: 0, RR3: 0 });
  });

  it('makes a case 3.19 when its invitation email is accepted, invited_at the time it was sent', async () => {
    const m = await mailEnv({ offices: 2 });
    m.env.clock.advance(5 * HOUR_MS);
    planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
    // Only OFF-1's invitation goes out: OFF-2's waits in the queue.
    m.repos.db.prepare("UPDATE email_sends SET status = 'cancelled' WHERE case_id = ?").run(caseOf(m.repos, 'OFF-2'));
    await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['invitation'] });
    const sentAt = m.repos.cases.eventsOf(caseOf(m.repos, 'OFF-1')).find((e) => e.type === 'email_sent')?.at as string;
    const staff = await fieldworkStaff(m.env);

    expect(await caseList(staff)).toEqual({
      'OFF-1': { code: '3.19', invitedAt: sentAt },
      'OFF-2': { code: '3.11', invitedAt: '' },
    });
    expect(Date.parse(sentAt) - Date.parse('2027-02-01T09:00:00.000Z')).toBeGreaterThanOrEqual(5 * HOUR_MS);
  });

  it('makes a case 3.19 when a letter is printed for it', async () => {
    const env = staffEnv();
    seedFielding(env, { offices: 1 });
    env.clock.advance(HOUR_MS);
    issueLetters(
      {
        repos: createRepos(env.db),
        instruments: env.instruments,
        clock: env.clock,
        random: env.random,
        publicUrl: env.config.publicUrl,
      },
      { fielding: 'pilot', actor: 'field@study', order: 'zip' },
    );
    const staff = await fieldworkStaff(env);

    expect(await caseList(staff)).toEqual({ 'OFF-1': { code: '3.19', invitedAt: '2027-02-01T10:00:00.000Z' } });
  });
});

describe('POST /api/staff/cases/:id/invited', () => {
  it('records links handed out on a day: 3.19 from then, invited_at that day, in the case log and the audit log', async () => {
    const env = staffEnv();
    seedFielding(env, { offices: 2 });
    const staff = await fieldworkStaff(env);
    const caseId = caseOf(createRepos(env.db), 'OFF-1');

    const res = await staff.send('post', `/api/staff/cases/${caseId}/invited`, { on: '2027-01-29' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ disposition: { code: '3.19', label: 'Nothing returned' } });
    expect(await caseList(staff)).toEqual({
      'OFF-1': { code: '3.19', invitedAt: '2027-01-29T00:00:00.000Z' },
      'OFF-2': { code: '3.11', invitedAt: '' },
    });
    const detail = (await staff.get(`/api/staff/cases/${caseId}`).expect(200)).body;
    expect(detail.events.at(-1)).toMatchObject({
      type: 'marked_invited',
      summary: 'Recorded by field@study.example.org as invited: the links were handed out another way on 2027-01-29.',
    });
    const audit = env.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'case.mark_invited'").all() as {
      actor: string;
      detail: string;
    }[];
    expect(audit.map((a) => [a.actor, JSON.parse(a.detail)])).toEqual([
      ['field@study.example.org', { caseId, officeId: 'OFF-1', on: '2027-01-29' }],
    ]);
  });

  it('refuses a day that is not a date (400, naming the field) or lies after today (422), changing nothing', async () => {
    const env = staffEnv();
    seedFielding(env, { offices: 1 });
    const staff = await fieldworkStaff(env);
    const caseId = caseOf(createRepos(env.db), 'OFF-1');

    const notADate = await staff.send('post', `/api/staff/cases/${caseId}/invited`, { on: '2027-02-30' });
    expect(notADate.status).toBe(400);
    expect(JSON.stringify(notADate.body.error)).toMatch(/on.*is not a calendar date/);
    const shape = await staff.send('post', `/api/staff/cases/${caseId}/invited`, { on: '1 Feb 2027' });
    expect(JSON.stringify(shape.body.error)).toMatch(/must be a date as YYYY-MM-DD/);
    const future = await staff.send('post', `/api/staff/cases/${caseId}/invited`, { on: '2027-02-02' });
    expect(future.status).toBe(422);
    expect(future.body.error).toMatchObject({
      code: 'date_in_future',
      message: 'The day the links were handed out, 2027-02-02, is after today (2027-02-01).',
    });
    expect(await caseList(staff)).toEqual({ 'OFF-1': { code: '3.11', invitedAt: '' } });
  });
});

describe('fieldkit case invited', () => {
  it('records one office, or every case given a link and not yet invited, and prints what changed', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 3 });

    const one = await ws.run('case', 'invited', '--fielding', 'pilot', '--office', 'OFF-2', '--on', '2026-11-30');
    expect(one).toMatchObject({ code: 0, err: '' });
    expect(one.out).toMatch(
      /\(OFF-2\) in pilot: recorded as invited on 2026-11-30\. Disposition now 3\.19 Nothing returned\.$/,
    );

    const all = await ws.run('case', 'invited', '--fielding', 'pilot', '--all-issued', '--on', '2026-12-01');
    expect(all).toMatchObject({ code: 0, err: '' });
    expect(all.out).toBe(
      'pilot: 2 cases recorded as invited on 2026-12-01 (links handed out); cases already invited by email, letter or an earlier record are unchanged.',
    );
    const days = ws
      .database()
      .prepare(
        `SELECT o.office_id, json_extract(e.detail, '$.on') AS day FROM case_events e
         JOIN cases c ON c.id = e.case_id JOIN offices o ON o.id = c.office_id
         WHERE e.type = 'marked_invited' ORDER BY o.office_id`,
      )
      .all();
    expect(days).toEqual([
      { office_id: 'OFF-1', day: '2026-12-01' },
      { office_id: 'OFF-2', day: '2026-11-30' },
      { office_id: 'OFF-3', day: '2026-12-01' },
    ]);
  });

  it.each([
    [['--fielding', 'pilot', '--on', '2026-12-01'], 'Give exactly one of --office <office_id> or --all-issued.'],
    [
      ['--fielding', 'pilot', '--office', 'OFF-1', '--all-issued', '--on', '2026-12-01'],
      'Give exactly one of --office <office_id> or --all-issued.',
    ],
    [['--fielding', 'pilot', '--all-issued'], 'Missing --on.'],
    [['--fielding', 'pilot', '--all-issued', '--on', '12/01/2026'], '--on must be a date as YYYY-MM-DD'],
    [['--fielding', 'pilot', '--all-issued', '--on', '2026-13-01'], '--on is not a calendar date'],
    [['--fielding', 'pilot', '--all-issued', '--on', '2999-01-01'], 'is after today'],
    [['--fielding', 'pilot', '--office', 'OFF-9', '--on', '2026-12-01'], 'No case for office "OFF-9"'],
  ])('explains a wrong call %j with exit code 2, changing nothing', async (args, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('case', 'invited', ...args);

    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(ws.database().prepare("SELECT count(*) FROM case_events WHERE type = 'marked_invited'").pluck().get()).toBe(
      0,
    );
  });
});
