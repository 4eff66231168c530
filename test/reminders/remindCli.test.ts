import { describe, expect, it, onTestFinished } from 'vitest';
import { progressLine } from '../../server/cli/progress.js';
import { mailingContextOf } from '../../server/deps.js';
import { openDatabase } from '../../server/platform/db.js';
import { startReminderScheduler } from '../../server/reminders/scheduler.js';
import { createRepos } from '../../server/repos.js';
import { createRuntime } from '../../server/runtime.js';
import { createPilot, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { fakeClock, memoryLogger } from '../support/app.js';
import { markRehearsal, type RemindWorkspace, remindWorkspace, spawnFieldkit } from './cliSetup.js';
import { addressOf, dayAt, deliveries, invitationToken, remindersReceived } from './setup.js';

/** FIELDKIT_NOW for the workspace's next in-process runs. */
const setNow = (w: RemindWorkspace, instant: string) => {
  (w.ws.env as Record<string, string>).FIELDKIT_NOW = instant;
};

/** `fieldkit remind --fielding pilot` as if it were this day of the field period (09:30 UTC). */
function remindOn(w: RemindWorkspace, day: number, ...extra: string[]) {
  setNow(w, dayAt(day, 30 * 60_000));
  return w.ws.run('remind', '--fielding', 'pilot', ...extra);
}

const reminderRowCount = (w: RemindWorkspace) =>
  w.repos.db.prepare("SELECT count(*) FROM email_sends WHERE kind = 'reminder'").pluck().get() as number;

describe('fieldkit remind --fielding <f>', () => {
  it('sends the reminders due now and prints the counts per reminder number', async () => {
    const w = await remindWorkspace({ offices: 3 });
    await w.ws.run('case', 'mark', '--fielding', 'pilot', '--office', 'OFF-3', '--refused', '--reason', 'phoned');

    const day7 = await remindOn(w, 7);

    expect(day7.code).toBe(0);
    expect(day7.err).toBe(`fieldkit: acting as if it were ${dayAt(7, 30 * 60_000)} (FIELDKIT_NOW)`);
    expect(day7.out.split('\n')).toEqual([
      'pilot: queued reminder 1: 2; thank-yous: 0.',
      'Sent 2, rejected 0, failed 0, cancelled 0 (no longer due).',
      'pilot so far:',
      '  reminder 1: 2 sent',
    ]);
    expect(remindersReceived(w)).toEqual({ [addressOf('OFF-1')]: { 1: 1 }, [addressOf('OFF-2')]: { 1: 1 } });

    const again = await remindOn(w, 8);
    expect(again.out.split('\n')[0]).toBe('pilot: queued none; thank-yous: 0.');

    const day22 = await remindOn(w, 22);
    expect(day22.out.split('\n')).toEqual([
      'pilot: queued reminder 3: 2; thank-yous: 0.',
      'Skipped as overdue (only the highest due is sent): reminder 2: 2.',
      'Sent 2, rejected 0, failed 0, cancelled 0 (no longer due).',
      'pilot so far:',
      '  reminder 1: 2 sent',
      '  reminder 2: 2 cancelled',
      '  reminder 3: 2 sent',
    ]);
  });

  it('--dry-run prints what is due and plans and sends nothing', async () => {
    const w = await remindWorkspace({ offices: 2, settings: { thankYouEnabled: true } });

    const result = await remindOn(w, 15, '--dry-run');

    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      expect.stringMatching(/^pilot: due at 2027-02-16T09:30:00\.\d{3}Z: reminder 2: 2\.$/),
      '2 overdue lower reminders would be skipped (only the highest due is sent).',
      'Thank-yous due: 0.',
      'Dry run: nothing was queued or sent.',
    ]);
    expect(reminderRowCount(w)).toBe(0);
    expect(deliveries(w).map((d) => d.kind)).toEqual(['invitation', 'invitation']);
  });

  it('draws a progress bar on a terminal, ending at 100% of the messages', async () => {
    const w = await remindWorkspace({ offices: 2 });
    setNow(w, dayAt(7, 30 * 60_000));

    const result = await w.ws.runOnTerminal('remind', '--fielding', 'pilot');

    const frames = result.progress.join('').split('\r').filter(Boolean);
    expect(frames).toContain(`${progressLine({ done: 2, total: 2, label: 'messages' })}\u001b[K`);
    expect(result.out).not.toContain('[#');
  });

  it('says so and does nothing when the fielding’s settings turn reminders and thank-yous off', async () => {
    const w = await remindWorkspace({ offices: 1, settings: { remindersEnabled: false } });

    const result = await remindOn(w, 7);

    expect(result).toMatchObject({
      code: 0,
      out: 'pilot: reminders and thank-yous are off in its mail settings; nothing to do.',
    });
    expect(reminderRowCount(w)).toBe(0);
  });

  it.each([
    [[], 2, 'fieldkit: Missing --fielding.'],
    [['--fielding', 'nope'], 1, 'fieldkit: No fielding named "nope".'],
  ])('refuses %j with exit code %i', async (args, code, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('remind', ...args);

    expect(result.code).toBe(code);
    expect(result.err).toBe(message);
  });

  it('without SMTP_URL sends nothing and says how to turn email on; --dry-run still works', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    markRehearsal(ws);
    (ws.env as Record<string, string>).FIELDKIT_NOW = dayAt(7);
    const repos = createRepos(ws.database());
    const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
    repos.fieldings.saveMailSettings(
      fieldingId,
      { ...repos.fieldings.mailSettingsOf(fieldingId), remindersEnabled: true },
      dayAt(0),
    );

    const result = await ws.run('remind', '--fielding', 'pilot');
    const dry = await ws.run('remind', '--fielding', 'pilot', '--dry-run');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Email is off: SMTP_URL is not set, so no reminder can be sent\./);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(': none.');
  });
});

// Two processes start from the TypeScript sources (a few seconds each on a busy machine).
describe('fieldkit remind in two processes and the server’s scheduler at the same time', () => {
  it('gives every case and contact reminder n exactly once, and the completed office one thank-you', async () => {
    const offices = 24;
    const w = await remindWorkspace({ offices, dataDelayMs: 10, settings: { thankYouEnabled: true } });
    await w.ws.run('case', 'mark', '--fielding', 'pilot', '--office', 'OFF-1', '--refused', '--reason', 'phoned');
    await w.ws
      .api()
      .post(`/api/respond/${invitationToken(w, 'OFF-2')}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    const expectedOffices = Array.from({ length: offices - 2 }, (_, i) => `OFF-${i + 3}`);

    for (const [day, number] of [
      [7, 1],
      [14, 2],
    ] as const) {
      const now = dayAt(day, 30 * 60_000);
      const children = [0, 1].map(() => spawnFieldkit(w.ws, ['remind', '--fielding', 'pilot'], { FIELDKIT_NOW: now }));
      await Promise.all(children.map((c) => c.started));
      // The server: its own connection and SMTP pool, its clock at the same instant.
      const deps = createRuntime(w.ws.env, w.ws.dir);
      const logger = memoryLogger();
      const mailing = {
        ...mailingContextOf(deps, deps.mailer as NonNullable<typeof deps.mailer>),
        clock: fakeClock(now),
        logger,
      };
      const scheduler = startReminderScheduler({ mailing, intervalMs: 60 * 60_000 });
      onTestFinished(async () => {
        await scheduler.stop();
        deps.mailer?.close();
        await deps.validation.close();
        if (deps.db.open) deps.db.close();
      });
      const runs = await Promise.all(children.map((c) => c.done));
      await scheduler.tick();
      await scheduler.stop();

      for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
      // Planned once in all: the three planners' counts add up to one per contact.
      const queuedBy = [
        ...runs.map((r) => Number(new RegExp(`queued reminder ${number}: (\\d+)`).exec(r.stdout)?.[1] ?? 0)),
        Number(new RegExp(`queued reminder ${number}: (\\d+)`).exec(logger.lines.join('\n'))?.[1] ?? 0),
      ];
      expect(queuedBy.reduce((a, b) => a + b, 0)).toBe(expectedOffices.length);
      const received = remindersReceived(w);
      expect(Object.keys(received).sort()).toEqual(expectedOffices.map(addressOf).sort());
      for (const office of expectedOffices) {
        expect(received[addressOf(office)]).toEqual(number === 1 ? { 1: 1 } : { 1: 1, 2: 1 });
      }
    }
    expect(
      deliveries(w)
        .filter((d) => d.kind === 'thank_you')
        .map((d) => d.to),
    ).toEqual([addressOf('OFF-2')]);
    const db = openDatabase(w.ws.databaseFile);
    onTestFinished(() => {
      db.close();
    });
    expect(
      db
        .prepare(
          'SELECT kind, number, status, count(*) AS n FROM email_sends WHERE kind <> ? GROUP BY kind, number, status',
        )
        .all('invitation'),
    ).toEqual([
      { kind: 'reminder', number: 1, status: 'sent', n: expectedOffices.length },
      { kind: 'reminder', number: 2, status: 'sent', n: expectedOffices.length },
      { kind: 'thank_you', number: 0, status: 'sent', n: 1 },
    ]);
  }, 90_000);
});
