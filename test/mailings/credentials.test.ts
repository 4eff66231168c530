import { describe, expect, it } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { parseMail } from '../support/smtp.js';
import { invitedOffice, type MailEnv, sendsOf } from './setup.js';

const tokenCount = (m: MailEnv) => (m.env.db.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
const lastMailText = (m: MailEnv) => parseMail(m.smtp.received.at(-1)?.raw ?? '').text ?? '';

/** An invited case that completes, with the fielding's own thank-you text, sent; the tokens before sending. */
async function customThankYou(template: { subject: string; body: string }) {
  const m = await invitedOffice();
  const at = m.env.clock().toISOString();
  m.repos.templates.saveTemplate(m.fieldingId, 'thank_you', template, at, 'test');
  m.repos.cases.appendEvent(m.base.caseId, 'completed', at);
  m.repos.mailings.enqueue({ ...m.base, kind: 'thank_you', number: 0, at });
  const before = tokenCount(m);
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['thank_you'] });
  return { m, before };
}

describe('a message mints a link only when its text carries one', () => {
  it('sends the default thank-you without minting a token', async () => {
    const m = await invitedOffice();
    const at = m.env.clock().toISOString();
    m.repos.cases.appendEvent(m.base.caseId, 'completed', at);
    m.repos.mailings.enqueue({ ...m.base, kind: 'thank_you', number: 0, at });
    const before = tokenCount(m);

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['thank_you'] });

    expect(progress).toMatchObject({ sent: 1 });
    expect(tokenCount(m)).toBe(before);
    expect(sendsOf(m.env).at(-1)).toMatchObject({ kind: 'thank_you', status: 'sent', token_id: null });
    expect(lastMailText(m)).toContain('Thank you for completing the survey');
    const events = m.repos.cases.eventsOf(m.base.caseId);
    expect(events.at(-1)).toMatchObject({ type: 'email_sent', token_id: null });
  });

  it('still mints one for a reminder whose template has the link, and says which reminder in the log', async () => {
    const m = await invitedOffice();
    const at = m.env.clock().toISOString();
    m.repos.mailings.enqueue({ ...m.base, kind: 'reminder', number: 2, at });
    const before = tokenCount(m);

    await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['reminder'] });

    expect(tokenCount(m)).toBe(before + 1);
    const reminder = sendsOf(m.env).at(-1);
    expect(reminder).toMatchObject({ kind: 'reminder', status: 'sent' });
    expect(reminder?.token_id).not.toBeNull();
    expect(lastMailText(m)).toMatch(/http:\/\/fieldkit\.test\/s\/[A-Za-z0-9_-]{32}/);
    const issued = m.repos.cases
      .eventsOf(m.base.caseId)
      .filter((e) => e.type === 'token_issued')
      .at(-1);
    expect(JSON.parse(issued?.detail ?? '{}')).toMatchObject({ purpose: 'reminder', number: 2 });
  });

  it('mints one for a custom thank-you that gives the access code', async () => {
    const { m, before } = await customThankYou({
      subject: 'Thank you',
      body: 'To review your answers, type {{ access_code }} at {{code_url}}.',
    });

    expect(tokenCount(m)).toBe(before + 1);
    expect(sendsOf(m.env).at(-1)?.token_id).not.toBeNull();
    expect(lastMailText(m)).toMatch(/type [2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4} at/);
  });

  it('mints one for a custom thank-you whose subject carries the link', async () => {
    const { m, before } = await customThankYou({
      subject: 'Your answers: {{link}}',
      body: 'Thank you, {{contact_name}}.',
    });

    expect(tokenCount(m)).toBe(before + 1);
    expect(parseMail(m.smtp.received.at(-1)?.raw ?? '').headers.subject).toMatch(/\/s\/[A-Za-z0-9_-]{32}$/);
  });
});
