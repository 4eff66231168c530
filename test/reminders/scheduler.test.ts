import { describe, expect, it, onTestFinished } from 'vitest';
import { recordUndeliverable } from '../../server/casework/undeliverable.js';
import { createSmtpMailer } from '../../server/mailings/mailer.js';
import { openDatabase } from '../../server/platform/db.js';
import { planReminders } from '../../server/reminders/plan.js';
import {
  loggableError,
  type ReminderMailingContext,
  startReminderScheduler,
} from '../../server/reminders/scheduler.js';
import { createRepos } from '../../server/repos.js';
import type { MailEnv } from '../mailings/setup.js';
import {
  addressOf,
  complete,
  dayAt,
  decline,
  deliveries,
  goToDay,
  markIneligible,
  optOut,
  reminderEnv,
  reminderRows,
  remindersReceived,
  sendInvitations,
  startAnswering,
  waitUntil,
} from './setup.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * A scheduler over the test's mailing context whose timer never fires during the test: the test
 * ticks. Returned once its first tick (at start, at the clock's time then) is over.
 */
async function scheduler(ctx: ReminderMailingContext, intervalMs = HOUR_MS) {
  const s = startReminderScheduler({ mailing: ctx, intervalMs });
  onTestFinished(() => s.stop());
  await s.tick();
  return s;
}

/** Contact 7's address bounced after the invitation went out (a delivery-status notification). */
function bounce(m: MailEnv, office: string) {
  const contactId = m.repos.db
    .prepare('SELECT id FROM contacts WHERE email = ?')
    .pluck()
    .get(addressOf(office)) as number;
  m.repos.db.transaction(() =>
    recordUndeliverable(m.repos, {
      contactId,
      at: m.env.clock().toISOString(),
      reason: 'mailbox does not exist',
      source: { kind: 'dsn', status: '5.1.1' },
    }),
  )();
}

describe('the reminder scheduler (days 7, 14, 21 after the invitation)', () => {
  it('reminds on day 7 and day 14 exactly the cases not complete, never completed, refused, opted-out, ineligible or undeliverable ones, and keeps the count and dates', async () => {
    const m = await reminderEnv({ offices: 8 });
    await sendInvitations(m);
    const s = await scheduler(m.ctx);
    await s.tick();
    goToDay(m, 2);
    // OFF-1 and OFF-8 never answer; OFF-2 answers part of the survey; the others are settled.
    await startAnswering(m, 'OFF-2');
    await complete(m, 'OFF-3');
    await decline(m, 'OFF-4');
    await optOut(m, 'OFF-5');
    markIneligible(m, 'OFF-6');
    bounce(m, 'OFF-7');

    goToDay(m, 6);
    await s.tick();
    goToDay(m, 7, -60_000);
    await s.tick();
    expect(remindersReceived(m)).toEqual({});

    goToDay(m, 7);
    await s.tick();
    const day7 = {
      [addressOf('OFF-1')]: { 1: 1 },
      [addressOf('OFF-2')]: { 1: 1 },
      [addressOf('OFF-8')]: { 1: 1 },
    };
    expect(remindersReceived(m)).toEqual(day7);
    expect(deliveries(m).find((d) => d.kind === 'reminder')?.subject).toMatch(/^Reminder: /);

    goToDay(m, 8);
    await s.tick();
    expect(remindersReceived(m)).toEqual(day7);

    goToDay(m, 14);
    await s.tick();
    expect(remindersReceived(m)).toEqual({
      [addressOf('OFF-1')]: { 1: 1, 2: 1 },
      [addressOf('OFF-2')]: { 1: 1, 2: 1 },
      [addressOf('OFF-8')]: { 1: 1, 2: 1 },
    });
    const rows = reminderRows(m).filter((r) => r.office === 'OFF-1');
    expect(rows.map((r) => [r.number, r.status, r.queued_at.slice(0, 10)])).toEqual([
      [1, 'sent', dayAt(7).slice(0, 10)],
      [2, 'sent', dayAt(14).slice(0, 10)],
    ]);
    // Sent within the minute they fell due.
    for (const r of rows)
      expect(new Date(r.finished_at ?? '').getTime() - new Date(r.queued_at).getTime()).toBeLessThan(60_000);
    expect(reminderRows(m).map((r) => r.office)).not.toEqual(expect.arrayContaining(['OFF-3']));
    expect(new Set(reminderRows(m).map((r) => r.office))).toEqual(new Set(['OFF-1', 'OFF-2', 'OFF-8']));
  });

  it('after two weeks without a scheduler, sends only reminder 2 and records reminder 1 as cancelled, never to be sent', async () => {
    const m = await reminderEnv({ offices: 2 });
    await sendInvitations(m);

    goToDay(m, 15);
    const s = await scheduler(m.ctx);
    await s.tick();
    goToDay(m, 16);
    await s.tick();

    expect(remindersReceived(m)).toEqual({
      [addressOf('OFF-1')]: { 2: 1 },
      [addressOf('OFF-2')]: { 2: 1 },
    });
    expect(reminderRows(m).map((r) => [r.office, r.number, r.status])).toEqual([
      ['OFF-1', 1, 'cancelled'],
      ['OFF-1', 2, 'sent'],
      ['OFF-2', 1, 'cancelled'],
      ['OFF-2', 2, 'sent'],
    ]);
  });

  it('a new scheduler on the same database after a restart, ticking on its own timer, sends nothing twice', async () => {
    const m = await reminderEnv({ offices: 3 });
    await sendInvitations(m);
    goToDay(m, 7);
    const first = await scheduler(m.ctx);
    await first.tick();
    await first.stop();
    expect(Object.keys(remindersReceived(m))).toHaveLength(3);

    // The restarted server: its own connection and SMTP pool, the same database file.
    const db = openDatabase(m.env.config.databaseFile);
    const mailer = createSmtpMailer(m.smtp.url);
    onTestFinished(() => {
      mailer.close();
      db.close();
    });
    const restarted = startReminderScheduler({ mailing: { ...m.ctx, repos: createRepos(db), mailer }, intervalMs: 5 });
    onTestFinished(() => restarted.stop());
    goToDay(m, 8);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await restarted.tick();

    expect(remindersReceived(m)).toEqual({
      [addressOf('OFF-1')]: { 1: 1 },
      [addressOf('OFF-2')]: { 1: 1 },
      [addressOf('OFF-3')]: { 1: 1 },
    });
    goToDay(m, 14);
    await waitUntil(() => deliveries(m).filter((d) => d.number === 2).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(remindersReceived(m)).toEqual({
      [addressOf('OFF-1')]: { 1: 1, 2: 1 },
      [addressOf('OFF-2')]: { 1: 1, 2: 1 },
      [addressOf('OFF-3')]: { 1: 1, 2: 1 },
    });
  });

  it('holds queued reminders while reminders are off; turned on again later, sends only the one now due', async () => {
    const m = await reminderEnv({ offices: 1 });
    await sendInvitations(m);
    goToDay(m, 7);
    expect(planReminders(m.repos, m.fieldingId, m.env.clock()).queued).toEqual({ 1: 1 });
    const settings = m.repos.fieldings.mailSettingsOf(m.fieldingId);
    m.repos.fieldings.saveMailSettings(m.fieldingId, { ...settings, remindersEnabled: false }, dayAt(7));
    const s = await scheduler(m.ctx);
    await s.tick();
    expect(remindersReceived(m)).toEqual({});

    goToDay(m, 15);
    m.repos.fieldings.saveMailSettings(m.fieldingId, { ...settings, remindersEnabled: true }, dayAt(15));
    await s.tick();

    expect(remindersReceived(m)).toEqual({ [addressOf('OFF-1')]: { 2: 1 } });
    expect(reminderRows(m).map((r) => [r.number, r.status])).toEqual([
      [1, 'cancelled'],
      [2, 'sent'],
    ]);
  });

  it('sends no reminder after the fielding’s closing date, when its links no longer work', async () => {
    const m = await reminderEnv({ offices: 1 });
    await sendInvitations(m);
    m.repos.fieldings.setClosesAt(m.fieldingId, dayAt(10));
    const s = await scheduler(m.ctx);
    goToDay(m, 7);
    await s.tick();

    goToDay(m, 14);
    await s.tick();

    expect(remindersReceived(m)).toEqual({ [addressOf('OFF-1')]: { 1: 1 } });
  });

  it('sends no reminder while the fielding’s mail settings turn reminders off', async () => {
    const m = await reminderEnv({ offices: 2, settings: { remindersEnabled: false } });
    await sendInvitations(m);
    goToDay(m, 7);

    await (await scheduler(m.ctx)).tick();

    expect(remindersReceived(m)).toEqual({});
    expect(reminderRows(m)).toEqual([]);
  });

  it('ticks never overlap: a tick asked for while one runs joins it', async () => {
    const m = await reminderEnv({ offices: 2 });
    await sendInvitations(m);
    goToDay(m, 7);
    const s = await scheduler(m.ctx);
    await s.tick();
    goToDay(m, 14);

    const a = s.tick();
    const b = s.tick();

    expect(b).toBe(a);
    await a;
    expect(Object.values(remindersReceived(m))).toEqual([
      { 1: 1, 2: 1 },
      { 1: 1, 2: 1 },
    ]);
  });

  it('once stopped (server shutdown), starts no further tick, by timer or by hand', async () => {
    const m = await reminderEnv({ offices: 1 });
    await sendInvitations(m);
    const s = await scheduler(m.ctx, 5);
    await s.tick();

    await s.stop();
    goToDay(m, 7);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await s.tick();

    expect(remindersReceived(m)).toEqual({});
  });

  it('logs a fielding that fails without stopping: the next tick runs and sends what is due', async () => {
    const m = await reminderEnv({ offices: 1 });
    await sendInvitations(m);
    goToDay(m, 7);
    // A schedule the planner cannot read (only a hand-edited database holds one).
    m.repos.db.prepare(`UPDATE fielding_mail_settings SET reminder_days = '"weekly"'`).run();
    const s = await scheduler(m.ctx);
    expect(m.env.logger.lines.filter((l) => l.startsWith('ERROR reminders:'))).toEqual([
      expect.stringMatching(/^ERROR reminders: fielding \d+: TypeError: /),
    ]);
    expect(remindersReceived(m)).toEqual({});

    m.repos.db.prepare(`UPDATE fielding_mail_settings SET reminder_days = '[7,14,21]'`).run();
    await s.tick();

    expect(remindersReceived(m)).toEqual({ [addressOf('OFF-1')]: { 1: 1 } });
  });

  it('keeps addresses and link tokens out of the error it logs', () => {
    const err = new Error(
      '550 5.1.1 <contact1@office1.example.org>: no such user (see https://survey.example.org/s/AbCdEfGhIjKlMnOpQrStUvWxYz012345)',
    );

    const logged = loggableError(err);

    expect(logged).toBe('Error: 550 5.1.1 <<address>>: no such user (see https://survey.example.org/s/<token>)');
    expect(logged).not.toContain('@');
  });
});

describe('thank-you mail', () => {
  it('goes out once to the contact of a case completed through the respondent API, when turned on', async () => {
    const m = await reminderEnv({ offices: 2, settings: { thankYouEnabled: true } });
    await sendInvitations(m);
    const s = await scheduler(m.ctx);
    goToDay(m, 3);
    await complete(m, 'OFF-1');

    await s.tick();
    goToDay(m, 3, HOUR_MS);
    await s.tick();

    const thanks = deliveries(m).filter((d) => d.kind === 'thank_you');
    expect(thanks.map((d) => [d.to, d.number, d.subject])).toEqual([
      [addressOf('OFF-1'), 0, 'Thank you: national survey of prosecutors’ offices'],
    ]);
  });

  it('never goes out when turned off', async () => {
    const m = await reminderEnv({ offices: 1, settings: { thankYouEnabled: false } });
    await sendInvitations(m);
    goToDay(m, 3);
    await complete(m, 'OFF-1');

    await (await scheduler(m.ctx)).tick();
    goToDay(m, 10);
    await (await scheduler(m.ctx)).tick();

    expect(deliveries(m).map((d) => d.kind)).toEqual(['invitation']);
    expect(reminderRows(m)).toEqual([]);
  });
});
