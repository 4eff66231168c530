import { describe, expect, it } from 'vitest';
import { createPilot, workspace } from './workspace.js';

const SETTINGS_OF = (fielding = 'pilot') => [
  `Mail settings of ${fielding}:`,
  '  sender:           "Fieldkit survey" <survey@survey.example.org> (MAIL_FROM); email is off: SMTP_URL is not set',
];

describe('fieldkit mail settings', () => {
  it('prints the pace, reminders, thank-yous, deadline, e and the sender, as the Email page shows them', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('mail', 'settings', '--fielding', 'pilot');

    expect(result).toEqual({
      code: 0,
      err: '',
      out: [
        ...SETTINGS_OF(),
        '  messages/minute:  120',
        '  reminders:        off, on days 7, 14, 21',
        '  thank-yous:       off, to the contact who submitted',
        '  deadline:         (the closing date, or "as soon as you can")',
        '  eligibility (e):  (estimated from the resolved cases)',
      ].join('\n'),
    });
  });

  it('sets what the flags name, keeps the rest, and records the change in the audit log', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run(
      ...['mail', 'settings', '--fielding', 'pilot', '--per-minute', '30', '--reminders', 'on'],
      ...['--reminder-days', '5,12', '--thank-you', 'on', '--thank-you-to', 'all', '--eligibility', '0.9'],
    );

    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual([
      'Changed: --reminder-days, --reminders, --thank-you, --thank-you-to, --per-minute, --eligibility.',
      ...SETTINGS_OF(),
      '  messages/minute:  30',
      '  reminders:        on, on days 5, 12',
      '  thank-yous:       on, to every contact of the office',
      '  deadline:         (the closing date, or "as soon as you can")',
      '  eligibility (e):  0.9',
    ]);
    const audit = ws
      .database()
      .prepare("SELECT detail FROM audit_log WHERE action = 'mail_settings.change'")
      .pluck()
      .all() as string[];
    expect(audit.map((d) => Object.keys(JSON.parse(d).changed))).toEqual([
      ['reminderDays', 'remindersEnabled', 'thankYouEnabled', 'thankYouTo', 'perMinute', 'eligibilityEstimate'],
    ]);
    const again = await ws.run('mail', 'settings', '--fielding', 'pilot', '--eligibility', 'none');
    expect(again.out).toContain('  eligibility (e):  (estimated from the resolved cases)');
    expect(again.out).toContain('  messages/minute:  30');
  });

  it.each([
    [['--per-minute', '0'], /--per-minute: /],
    [['--per-minute', 'fast'], /--per-minute: /],
    [['--reminder-days', '14,7'], /--reminder-days: must be strictly increasing/],
    [['--reminders', 'on', '--reminder-days', ''], /--reminder-days: give at least one day when reminders are on/],
    [['--thank-you-to', 'everyone'], /--thank-you-to: must be "submitter" \(the contact who submitted\) or "all"/],
    [['--eligibility', '1.5'], /--eligibility: /],
    [['--thank-you', 'yes'], /--thank-you must be "on" or "off", not "yes"/],
  ])('refuses %j with exit code 2, naming the flag, and changes nothing', async (flags, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('mail', 'settings', '--fielding', 'pilot', ...flags);

    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(ws.database().prepare('SELECT count(*) FROM fielding_mail_settings').pluck().get()).toBe(0);
  });

  it('names an unknown fielding and a missing --fielding', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    expect(await ws.run('mail', 'settings', '--fielding', 'nope')).toMatchObject({
      code: 2,
      err: 'fieldkit: No fielding "nope".',
    });
    expect(await ws.run('mail', 'settings')).toMatchObject({ code: 2, err: 'fieldkit: Missing --fielding.' });
  });
});
