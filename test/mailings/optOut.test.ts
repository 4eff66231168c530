import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import { parseMail } from '../support/smtp.js';
import { caseOf, dispositionCode, type MailEnv, mailEnv, sendsOf } from './setup.js';

const INVITATIONS = ['invitation'] as const;

/** Sends the invitations and returns the opt-out path (/u/<token>) of the mail to this address. */
async function invite(m: MailEnv, address: string): Promise<string> {
  planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });
  const received = m.smtp.received.find((r) => r.envelopeTo.includes(address));
  const mail = received ? parseMail(received.raw) : undefined;
  const url = /^<([^>]+)>$/.exec(mail?.headers['list-unsubscribe'] ?? '')?.[1];
  if (!url) throw new Error(`no List-Unsubscribe in the mail to ${address}`);
  return new URL(url).pathname;
}

describe('opt-out links (/u/:token)', () => {
  it('shows one button on GET and changes nothing, since mail scanners fetch every link', async () => {
    const m = await mailEnv({ offices: 1 });
    const path = await invite(m, 'contact1@office1.example.org');
    const before = m.repos.cases.eventsOf(caseOf(m.repos, 'OFF-1')).length;

    const res = await request(m.env.app).get(path);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.text.match(/<button/g)).toHaveLength(1);
    expect(res.text).toContain('Stop all email about this survey');
    expect(res.text).toContain('<form method="post">');
    expect(m.repos.cases.eventsOf(caseOf(m.repos, 'OFF-1'))).toHaveLength(before);
    expect(dispositionCode(m.repos, caseOf(m.repos, 'OFF-1'))).toBe('3.19');
    // The request log shows the route, never the token.
    expect(m.env.logger.lines).toContainEqual(expect.stringMatching(/^GET \/u\/:token 200 /));
    expect(m.env.logger.lines.join('\n')).not.toContain(path.slice(3));
  });

  it('records a one-click POST from a mail client once: contact opted out, case 2.11, queued mail cancelled, nothing planned again', async () => {
    const m = await mailEnv({
      offices: 2,
      rcpt: (a) => (a.startsWith('deputy1') ? { code: 451, message: '4.3.0 Try later' } : undefined),
    });
    const office1 = m.repos.cases.findCase(caseOf(m.repos, 'OFF-1'))?.office_id as number;
    m.repos.offices.insertContact(
      office1,
      { name: 'Deputy 1', email: 'deputy1@office1.example.org' },
      m.env.clock().toISOString(),
    );
    const path = await invite(m, 'contact1@office1.example.org');
    expect(sendsOf(m.env).map((s) => [s.email, s.status])).toEqual([
      ['contact1@office1.example.org', 'sent'],
      ['deputy1@office1.example.org', 'queued'],
      ['contact2@office2.example.org', 'sent'],
    ]);

    const res = await request(m.env.app)
      .post(path)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Origin', 'https://mail.example.net')
      .set('Sec-Fetch-Site', 'cross-site')
      .send('List-Unsubscribe=One-Click');

    expect(res.status).toBe(200);
    expect(res.text).toContain('You will receive no more email about this survey');
    const caseId = caseOf(m.repos, 'OFF-1');
    expect(dispositionCode(m.repos, caseId)).toBe('2.11');
    const [first, deputy] = sendsOf(m.env);
    expect(m.repos.offices.findContact(first?.contact_id as number)?.status).toBe('opted_out');
    const optedOut = m.repos.cases.eventsOf(caseId).filter((e) => e.type === 'opted_out');
    expect(optedOut.map((e) => JSON.parse(e.detail))).toEqual([{ contact_id: first?.contact_id, send_id: first?.id }]);
    // The deputy's invitation, waiting for a retry, is cancelled with the rest of the case's mail.
    expect(deputy?.status).toBe('cancelled');

    // The button pressed again changes nothing more; the other office is untouched.
    await request(m.env.app).post(path).expect(200);
    expect(m.repos.cases.eventsOf(caseId).filter((e) => e.type === 'opted_out')).toHaveLength(1);
    expect(dispositionCode(m.repos, caseOf(m.repos, 'OFF-2'))).toBe('3.19');

    m.env.clock.advance(60 * 60_000);
    expect(planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString())).toEqual({
      planned: 0,
      alreadyPlanned: 3,
      skipped: {},
    });
    const again = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });
    expect(again).toMatchObject({ total: 0, sent: 0 });
  });

  it('answers an unknown or malformed token with the same page as a bad link, on GET and POST', async () => {
    const m = await mailEnv({ offices: 1 });
    await invite(m, 'contact1@office1.example.org');
    const unknown = `/u/${'A'.repeat(32)}`;

    const pages = await Promise.all([
      request(m.env.app).get(unknown),
      request(m.env.app).post(unknown).type('form').send('List-Unsubscribe=One-Click'),
      request(m.env.app).get('/u/short'),
    ]);

    for (const res of pages) {
      expect(res.status).toBe(404);
      expect(res.text).toContain('This link is not valid.');
      expect(res.text).not.toContain('<button');
    }
    expect(pages[0]?.text).toBe(pages[2]?.text);
    const oversized = await request(m.env.app)
      .post(unknown)
      .type('form')
      .send(`x=${'y'.repeat(5000)}`);
    expect(oversized.status).toBe(400);
    expect(oversized.text).toContain('This link is not valid.');
    expect(dispositionCode(m.repos, caseOf(m.repos, 'OFF-1'))).toBe('3.19');
  });

  it('slows a client that keeps trying unknown tokens, with the respondent link throttle', async () => {
    const m = await mailEnv({ offices: 1 });
    const path = await invite(m, 'contact1@office1.example.org');
    for (let i = 0; i < 20; i++)
      await request(m.env.app)
        .get(`/u/${String(i).padStart(32, 'x')}`)
        .expect(404);

    const slowed = await request(m.env.app).get(`/u/${'y'.repeat(32)}`);

    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);
    // A real opt-out link still works from that client.
    await request(m.env.app).post(path).expect(200);
  });
});
