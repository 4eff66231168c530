import { describe, expect, it } from 'vitest';
import { issueLetters } from '../../server/letters/service.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { caseOf, invitedOffice, sendsOf } from '../mailings/setup.js';
import { parseMail } from '../support/smtp.js';
import { addMember, signIn } from './setup.js';

/**
 * One office through a whole fielding: its frame link, an invitation, reminder 1, a letter and,
 * once it completed, a thank-you; then the case page as fieldwork staff see it.
 */
async function wholeFielding() {
  // The invitation goes out a minute after its links were issued.
  const { base, ...m } = await invitedOffice({ sendAfterMs: 60_000 });
  const at = () => m.env.clock().toISOString();
  m.env.clock.advance(60_000);
  m.repos.mailings.enqueue({ ...base, kind: 'reminder', number: 1, at: at() });
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['reminder'] });
  m.env.clock.advance(60_000);
  issueLetters(m.ctx, { fielding: 'pilot', actor: 'test', order: 'zip' });
  m.env.clock.advance(60_000);
  m.repos.cases.appendEvent(base.caseId, 'completed', at());
  m.repos.mailings.enqueue({ ...base, kind: 'thank_you', number: 0, at: at() });
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['thank_you'] });
  const { email } = await addMember(m.env, 'field@study.example.org', 'fieldwork');
  const staff = await signIn(m.env, email);
  return { m, staff, caseId: caseOf(m.repos, 'OFF-1') };
}

describe('the case page: each contact’s links with what carried them', () => {
  it('shows one link per message that gave one, with its message and when it was sent, and none for the thank-you', async () => {
    const { m, staff, caseId } = await wholeFielding();
    const sends = sendsOf(m.env);

    const res = await staff.get(`/api/staff/cases/${caseId}`);

    expect(res.status).toBe(200);
    const [contact] = res.body.contacts;
    const sentAt = (kind: string) =>
      m.repos.mailings.attemptsOf(sends.find((s) => s.kind === kind)?.id as number)[0]?.at;
    expect(
      contact.links.map((l: { via: string; viaNumber: number | null; sentAt: string | null; live: boolean }) => [
        l.via,
        l.viaNumber,
        l.sentAt,
        l.live,
      ]),
    ).toEqual([
      ['staff', null, null, true],
      ['invitation', null, sentAt('invitation'), true],
      ['reminder', 1, sentAt('reminder'), true],
      ['letter', null, null, true],
    ]);
    expect(sends.find((s) => s.kind === 'thank_you')).toMatchObject({ status: 'sent', token_id: null });
  });

  it('never shows a link’s secret, its access code or a hash', async () => {
    const { m, staff, caseId } = await wholeFielding();
    const res = await staff.get(`/api/staff/cases/${caseId}`);
    const page = JSON.stringify(res.body);
    const secrets = m.smtp.received.flatMap((r) => {
      const text = parseMail(r.raw).text ?? '';
      const code = /access code ([2-9A-Z-]{14})/.exec(text)?.[1];
      return [
        ...[...text.matchAll(/\/(?:s|u)\/([A-Za-z0-9_-]{32})/g)].map((x) => x[1] as string),
        ...(code ? [code, code.replaceAll('-', ''), code.slice(-4)] : []),
      ];
    });
    expect(secrets.length).toBeGreaterThan(4);
    for (const secret of secrets) expect(page).not.toContain(secret);
    expect(page).not.toMatch(/hash/);
  });

  it('says a link reissued by staff was issued by staff, and the revoke answer carries the same fields', async () => {
    const { m, staff, caseId } = await wholeFielding();
    const before = (await staff.get(`/api/staff/cases/${caseId}`)).body.contacts[0].links;
    const reminder = before.find((l: { via: string }) => l.via === 'reminder');
    const revoked = await staff.send('post', `/api/staff/cases/${caseId}/links/${reminder.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.link).toMatchObject({ via: 'reminder', viaNumber: 1, live: false });
    expect(revoked.body.link.sentAt).toBe(reminder.sentAt);

    const reissued = await staff.send('post', `/api/staff/cases/${caseId}/contacts/1/reissue`);

    expect(reissued.status).toBe(201);
    const links = (await staff.get(`/api/staff/cases/${caseId}`)).body.contacts[0].links;
    expect(links.map((l: { via: string; live: boolean }) => [l.via, l.live])).toEqual([
      ['staff', false],
      ['invitation', false],
      ['reminder', false],
      ['letter', false],
      ['staff', true],
    ]);
    expect(m.repos.tokens.tokensOfCase(caseId)).toHaveLength(5);
  });
});
