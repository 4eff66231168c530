import { describe, expect, it } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { invitedAgoText } from '../../server/templates/mergeValues.js';
import { STANDARD_FIELDS } from '../../server/templates/render.js';
import { previewTemplate } from '../../server/templates/service.js';
import { invitedOffice } from '../mailings/setup.js';
import { parseMail } from '../support/smtp.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SENT = '2027-02-01T09:00:00.000Z';
const daysLater = (days: number) => new Date(Date.parse(SENT) + days * DAY_MS);

describe('{{invited_ago}}', () => {
  it.each([
    [0, 'Earlier today'],
    [1, 'Yesterday'],
    [3, 'A few days ago'],
    [7, 'Last week'],
    [13, 'Last week'],
    [14, 'Two weeks ago'],
    [21, 'Three weeks ago'],
    [30, 'About a month ago'],
    [60, 'About two months ago'],
    [120, 'A few months ago'],
  ])('words an invitation %i days before the message as "%s"', (days, words) => {
    expect(invitedAgoText(SENT, daysLater(days))).toBe(words);
  });

  it('says "Recently" when no invitation is known, and is documented with the other merge fields', () => {
    expect(invitedAgoText(undefined, daysLater(0))).toBe('Recently');
    expect(STANDARD_FIELDS.invited_ago).toMatch(/first invited/);
  });

  it('makes the default reminder say how long ago the invitation really went: "Last week" on day 7, "Two weeks ago" on day 14', async () => {
    const m = await invitedOffice();
    const sent = parseMail(m.smtp.received[0]?.raw ?? '');
    expect(sent.text).toContain('Dear');
    const remind = async (number: number, day: number) => {
      m.env.clock.advance(day * DAY_MS - (m.env.clock().getTime() - Date.parse(SENT)));
      m.repos.mailings.enqueue({ ...m.base, kind: 'reminder', number, at: m.env.clock().toISOString() });
      await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['reminder'] });
      return parseMail(m.smtp.received.at(-1)?.raw ?? '').text;
    };

    const first = await remind(1, 7);
    expect(first).toMatch(/^Last week we invited Office 1 to take part/m);
    const second = await remind(2, 14);
    expect(second).toMatch(/^Two weeks ago we invited Office 1 to take part/m);
    expect(second).not.toContain('A few weeks ago');

    // The Email page's preview words it as a reminder sent now would.
    const preview = previewTemplate(
      { repos: m.repos, clock: m.env.clock, publicUrl: m.env.config.publicUrl, instruments: m.env.instruments },
      { fielding: 'pilot', kind: 'reminder', template: m.repos.templates.templateOf(m.fieldingId, 'reminder') },
    );
    expect(preview.text).toMatch(/^Two weeks ago we invited Office 1/m);
  });
});
