import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import type { OutgoingMail } from '../../server/mailings/mailer.js';
import { planInvitations } from '../../server/mailings/service.js';
import { openDatabase } from '../../server/platform/db.js';
import { createRepos } from '../../server/repos.js';
import { parseMail } from '../support/smtp.js';
import { caseOf, dispositionCode, mailEnv, sendsOf } from './setup.js';

const INVITATIONS = ['invitation'] as const;
const now = (m: { env: { clock: () => Date } }) => m.env.clock().toISOString();

describe('dispatchQueued: invitations over SMTP', () => {
  it('sends each contact a mail with the merge fields filled, text and HTML parts, and the one-click opt-out headers', async () => {
    const m = await mailEnv({ offices: 2 });
    planInvitations(m.repos, m.fieldingId, now(m));

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(progress).toMatchObject({ total: 2, done: 2, sent: 2, rejected: 0, failed: 0, cancelled: 0 });
    expect(m.smtp.received).toHaveLength(2);
    const mail = m.smtp.received
      .map((r) => parseMail(r.raw))
      .find((p) => p.headers.to === 'Contact 1 <contact1@office1.example.org>');
    if (!mail) throw new Error('no mail to contact1');
    expect(mail.headers.subject).toBe('Invitation: national survey of prosecutors’ offices (Office 1)');
    expect(mail.headers.from).toBe('Fieldkit survey <survey@fieldkit.test>');
    expect(mail.parts).toEqual(['text/plain', 'text/html']);
    expect(mail.text).toContain('Dear Contact 1,');
    expect(mail.text).not.toContain('{{');
    expect(mail.html).toContain('<p>Dear Contact 1,</p>');
    const link = /http:\/\/fieldkit\.test\/s\/([A-Za-z0-9_-]{32})/.exec(mail.text ?? '')?.[1];
    expect(mail.html).toContain(`<a href="http://fieldkit.test/s/${link}">`);
    expect(mail.text).toMatch(/type the access code [2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}/);
    const optOut = /^<(http:\/\/fieldkit\.test\/u\/[A-Za-z0-9_-]{32})>$/.exec(mail.headers['list-unsubscribe'] ?? '');
    expect(optOut).not.toBeNull();
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain(`To stop all email about this survey, open: ${optOut?.[1]}`);

    // The link in the mail opens the survey of that very office.
    const opened = await request(m.env.app).get(`/api/respond/${link}`);
    expect(opened.status).toBe(200);
    expect(opened.body.office).toMatchObject({ name: 'Office 1' });

    const sends = sendsOf(m.env);
    expect(sends.map((s) => [s.email, s.status, s.attempts, s.smtp_code])).toEqual([
      ['contact1@office1.example.org', 'sent', 1, 250],
      ['contact2@office2.example.org', 'sent', 1, 250],
    ]);
    const first = sends.find((s) => s.email === 'contact1@office1.example.org');
    expect(mail.headers['message-id']).toBe(first?.message_id);
    expect(first?.message_id).toMatch(new RegExp(`^<send-${first?.id}\\.[0-9a-f]{18}@fieldkit\\.test>$`));
    const events = m.repos.cases.eventsOf(caseOf(m.repos, 'OFF-1'));
    const sent = events.find((e) => e.type === 'email_sent');
    expect(JSON.parse(sent?.detail ?? '{}')).toEqual({
      send_id: first?.id,
      contact_id: first?.contact_id,
      kind: 'invitation',
      number: 0,
    });
    const issued = events.filter((e) => e.type === 'token_issued').at(-1);
    expect(JSON.parse(issued?.detail ?? '{}')).toMatchObject({ purpose: 'invitation' });
    expect(m.repos.mailings.attemptsOf(first?.id as number)).toEqual([
      expect.objectContaining({ outcome: 'accepted', smtp_code: 250 }),
    ]);
  });

  it('never logs a link, access code or opt-out token', async () => {
    const m = await mailEnv({ offices: 1 });
    planInvitations(m.repos, m.fieldingId, now(m));
    await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });
    const mail = parseMail(m.smtp.received[0]?.raw ?? '');
    const secrets = [...(mail.text ?? '').matchAll(/\/(?:s|u)\/([A-Za-z0-9_-]{32})/g)].map((x) => x[1] as string);
    const code = /access code ([2-9A-Z-]{14})/.exec(mail.text ?? '')?.[1];
    expect(secrets).toHaveLength(2); // the survey link and the opt-out link
    secrets.push(code as string, (code as string).replaceAll('-', ''));
    for (const secret of secrets) expect(m.env.logger.lines.join('\n')).not.toContain(secret);
  });

  it('marks a recipient the server refuses with 550 rejected, logs the reply, and makes its only-contact case 3.30', async () => {
    const m = await mailEnv({
      offices: 2,
      rcpt: (address) =>
        address === 'contact1@office1.example.org' ? { code: 550, message: '5.1.1 No such user here' } : undefined,
    });
    planInvitations(m.repos, m.fieldingId, now(m));

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(progress).toMatchObject({ sent: 1, rejected: 1, failed: 0 });
    const rejected = sendsOf(m.env).find((s) => s.email === 'contact1@office1.example.org');
    expect(rejected).toMatchObject({ status: 'rejected', smtp_code: 550 });
    expect(m.repos.mailings.attemptsOf(rejected?.id as number)).toEqual([
      expect.objectContaining({ outcome: 'permanent', smtp_code: 550, smtp_reply: expect.stringMatching(/^550 /) }),
    ]);
    expect(m.repos.offices.findContact(rejected?.contact_id as number)?.status).toBe('undeliverable');
    expect(dispositionCode(m.repos, caseOf(m.repos, 'OFF-1'))).toBe('3.30');
    expect(dispositionCode(m.repos, caseOf(m.repos, 'OFF-2'))).toBe('3.19');
    // The link of the mail that never arrived does not work.
    expect(m.repos.tokens.findTokenById(rejected?.token_id as number)?.revoked_at).not.toBeNull();
  });

  it('puts a 451 back in the queue for a minute later with a new link, then sends it', async () => {
    const m = await mailEnv({
      offices: 1,
      rcpt: (_address, timesBefore) =>
        timesBefore === 0 ? { code: 451, message: '4.7.1 Try again later' } : undefined,
    });
    planInvitations(m.repos, m.fieldingId, now(m));

    const first = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(first).toMatchObject({ total: 1, done: 1, sent: 0, failed: 0 });
    const [waiting] = sendsOf(m.env);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, smtp_code: 451, token_id: null });
    expect(waiting?.next_attempt_at).toBe(new Date(m.env.clock().getTime() + 60_000).toISOString());
    expect(m.smtp.received).toHaveLength(0);
    // Not due yet: a second run now sends nothing.
    expect(await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS })).toMatchObject({ total: 0 });

    m.env.clock.advance(60_000);
    const second = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(second).toMatchObject({ total: 1, sent: 1 });
    expect(m.smtp.received).toHaveLength(1);
    expect(sendsOf(m.env)[0]).toMatchObject({ status: 'sent', attempts: 2, smtp_code: 250 });
    expect(m.repos.mailings.attemptsOf(waiting?.id as number).map((a) => [a.outcome, a.smtp_code])).toEqual([
      ['temporary', 451],
      ['accepted', 250],
    ]);
    // Two links were issued for the two tries; only the one in the delivered mail still works.
    const tokens = m.repos.tokens.tokensOfCase(caseOf(m.repos, 'OFF-1')).slice(-2);
    expect(tokens.map((t) => t.revoked_at === null)).toEqual([false, true]);
  });

  it('gives up after 4 temporary failures (1, 5 and 30 minutes apart) and marks the send failed', async () => {
    const m = await mailEnv({ offices: 1, rcpt: () => ({ code: 452, message: '4.2.2 Mailbox full' }) });
    planInvitations(m.repos, m.fieldingId, now(m));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });
      const [send] = sendsOf(m.env);
      if (send?.status === 'queued') {
        const wait = new Date(send.next_attempt_at).getTime() - m.env.clock().getTime();
        waits.push(wait);
        m.env.clock.advance(wait);
      }
    }
    expect(waits).toEqual([60_000, 300_000, 1_800_000]);
    expect(sendsOf(m.env)[0]).toMatchObject({ status: 'failed', attempts: 4, smtp_code: 452 });
    expect(m.smtp.offered).toHaveLength(4);
    // A failure is not a bounce: the address is still good.
    expect(m.repos.offices.findContact(sendsOf(m.env)[0]?.contact_id as number)?.status).toBe('active');
  });

  it('paces sends to the per-minute setting: at 60 a minute, 5 messages wait 4 seconds in all, one second apart', async () => {
    const m = await mailEnv({ offices: 5 });
    const settings = m.repos.fieldings.mailSettingsOf(m.fieldingId);
    m.repos.fieldings.saveMailSettings(m.fieldingId, { ...settings, perMinute: 60 }, now(m));
    planInvitations(m.repos, m.fieldingId, now(m));
    const start = m.env.clock().getTime();
    // When each message is handed to the SMTP pool, on the dispatcher's clock.
    const handedOver: number[] = [];
    const mailer = {
      ...m.ctx.mailer,
      send: (mail: OutgoingMail) => {
        handedOver.push(m.env.clock().getTime() - start);
        return m.ctx.mailer.send(mail);
      },
    };

    await dispatchQueued({ ...m.ctx, mailer }, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(m.smtp.received).toHaveLength(5);
    expect(m.sleeps.reduce((a, b) => a + b, 0)).toBe(4000);
    expect(m.sleeps.every((ms) => ms <= 1000)).toBe(true);
    expect(handedOver).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it('cancels a planned mail whose case completed, refused or was opted out before its turn', async () => {
    const m = await mailEnv({ offices: 3 });
    planInvitations(m.repos, m.fieldingId, now(m));
    m.repos.cases.appendEvent(caseOf(m.repos, 'OFF-1'), 'marked_refused', now(m), null, { reason: 'phone' });
    const contact = m.repos.offices.findContactByEmail(
      m.repos.cases.findCase(caseOf(m.repos, 'OFF-2'))?.office_id as number,
      'contact2@office2.example.org',
    );
    m.repos.offices.setContactStatus(contact?.id as number, 'undeliverable', now(m));

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(progress).toMatchObject({ total: 3, sent: 1, cancelled: 2 });
    expect(m.smtp.received.map((r) => r.envelopeTo)).toEqual([['contact3@office3.example.org']]);
    expect(sendsOf(m.env).map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'sent']);
  });

  it('marks rows a dead process left in sending for over 10 minutes as interrupted and never sends them again', async () => {
    const m = await mailEnv({ offices: 2 });
    planInvitations(m.repos, m.fieldingId, now(m));
    const [stale] = sendsOf(m.env);
    const elevenMinutesAgo = new Date(m.env.clock().getTime() - 11 * 60_000).toISOString();
    m.env.db
      .prepare("UPDATE email_sends SET status = 'sending', started_at = ?, attempts = 1 WHERE id = ?")
      .run(elevenMinutesAgo, stale?.id);

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(progress).toMatchObject({ total: 1, sent: 1, interrupted: 1 });
    expect(sendsOf(m.env).map((s) => s.status)).toEqual(['interrupted', 'sent']);
    expect(m.smtp.received.map((r) => r.envelopeTo)).toEqual([['contact2@office2.example.org']]);
    expect(await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS })).toMatchObject({
      total: 0,
      interrupted: 0,
    });
  });

  it('fails a mail whose template no longer renders, without sending it or trying it again', async () => {
    const m = await mailEnv({ offices: 1 });
    m.repos.templates.saveTemplate(
      m.fieldingId,
      'invitation',
      { subject: 'Hello {{county_seat}}', body: 'Your link: {{link}}' },
      now(m),
      'test',
    );
    planInvitations(m.repos, m.fieldingId, now(m));

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(progress).toMatchObject({ total: 1, failed: 1, sent: 0 });
    expect(m.smtp.received).toHaveLength(0);
    expect(sendsOf(m.env)[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(sendsOf(m.env)[0]?.smtp_reply).toContain('{{county_seat}}');
  });

  it('never sends a row twice when two dispatchers over two connections run at once', async () => {
    const m = await mailEnv({ offices: 12 });
    planInvitations(m.repos, m.fieldingId, now(m));
    const second = openDatabase(m.env.config.databaseFile);
    onTestFinished(() => {
      second.close();
    });
    const other = { ...m.ctx, repos: createRepos(second) };

    const [a, b] = await Promise.all([
      dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS }),
      dispatchQueued(other, { fieldingId: m.fieldingId, kinds: INVITATIONS }),
    ]);

    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(12);
    const addresses = m.smtp.received.flatMap((r) => r.envelopeTo);
    expect(addresses).toHaveLength(12);
    expect(new Set(addresses).size).toBe(12);
    expect(sendsOf(m.env).every((s) => s.status === 'sent' && s.attempts === 1)).toBe(true);
  });

  it('keeps two dispatchers over two connections to the per-minute setting together, not each on its own', async () => {
    const m = await mailEnv({ offices: 8 });
    const settings = m.repos.fieldings.mailSettingsOf(m.fieldingId);
    m.repos.fieldings.saveMailSettings(m.fieldingId, { ...settings, perMinute: 60 }, now(m));
    planInvitations(m.repos, m.fieldingId, now(m));
    const second = openDatabase(m.env.config.databaseFile);
    onTestFinished(() => {
      second.close();
    });
    // Every slot either dispatcher is given, as the instant its message may go.
    const slots: number[] = [];
    const recording = (repos: ReturnType<typeof createRepos>) => ({
      ...repos,
      mailings: {
        ...repos.mailings,
        takeSendSlot: (fieldingId: number, at: number, interval: number) => {
          const slot = repos.mailings.takeSendSlot(fieldingId, at, interval);
          slots.push(slot);
          return slot;
        },
      },
    });

    // Waits end at once and the clock stands still, so every slot is decided by the shared pace alone.
    const ctx = { ...m.ctx, sleep: async () => {} };
    await Promise.all([
      dispatchQueued({ ...ctx, repos: recording(m.repos) }, { fieldingId: m.fieldingId, kinds: INVITATIONS }),
      dispatchQueued(
        { ...ctx, repos: recording(createRepos(second)) },
        { fieldingId: m.fieldingId, kinds: INVITATIONS },
      ),
    ]);

    expect(m.smtp.received).toHaveLength(8);
    expect(slots).toHaveLength(8);
    const sorted = [...slots].sort((a, b) => a - b);
    expect(sorted.slice(1).map((slot, i) => slot - (sorted[i] as number))).toEqual(Array(7).fill(1000));
  });

  it('claims each due row for one claimant only, whichever connection asks', async () => {
    const m = await mailEnv({ offices: 6 });
    planInvitations(m.repos, m.fieldingId, now(m));
    const second = openDatabase(m.env.config.databaseFile);
    onTestFinished(() => {
      second.close();
    });
    const repos = [m.repos, createRepos(second)];
    const claimed: number[] = [];
    for (let i = 0; i < 10; i++) {
      const row = repos[i % 2]?.mailings.claimNext(m.fieldingId, INVITATIONS, now(m));
      if (row) claimed.push(row.id);
    }
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed).size).toBe(6);
  });
});
