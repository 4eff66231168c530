import { describe, expect, it, onTestFinished } from 'vitest';
import { createSmtpMailer } from '../../server/mailings/mailer.js';
import type { MailingRunner } from '../../server/mailings/runner.js';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos } from '../../server/repos.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv } from '../support/app.js';
import { startSmtpServer } from '../support/smtp.js';

const PATH = '/api/staff/fieldings/pilot/mailings';

async function withSmtp(options: { offices: number; dataDelayMs?: number }) {
  const smtp = await startSmtpServer(options.dataDelayMs ? { dataDelayMs: options.dataDelayMs } : {});
  const mailer = createSmtpMailer(smtp.url);
  // Real waiting: the pace of 120 a minute is shortened by a sleep that returns at once.
  const env = staffEnv({ mailer, sleep: async () => {} });
  onTestFinished(async () => {
    mailer.close();
    await smtp.close();
  });
  seedFielding(env, { offices: options.offices });
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, smtp, session: await signIn(env, email) };
}

async function untilIdle<R extends { body: { running: boolean } }>(env: TestEnv, get: () => Promise<R>): Promise<R> {
  for (let i = 0; i < 200; i++) {
    const res = await get();
    if (!res.body.running) return res;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`mailing of ${env.config.publicUrl} still running`);
}

describe('POST /api/staff/fieldings/:name/mailings', () => {
  it('plans the invitations, answers 202 with the counts, and sends them in the background', async () => {
    const { env, smtp, session } = await withSmtp({ offices: 3 });

    const res = await session.send('post', PATH, { kind: 'invitation' });

    expect(res.status).toBe(202);
    expect(res.body).toEqual({ planned: 3, alreadyPlanned: 0, skipped: {} });
    const done = await untilIdle(env, () => session.get(PATH));
    expect(done.body).toMatchObject({
      email: { enabled: true, from: '"Fieldkit survey" <survey@fieldkit.test>' },
      running: false,
      counts: [{ kind: 'invitation', number: 0, status: 'sent', count: 3 }],
    });
    expect(done.body.recent).toHaveLength(3);
    expect(done.body.recent[0]).toEqual({
      at: expect.any(String),
      officeId: expect.stringMatching(/^OFF-\d$/),
      officeName: expect.stringMatching(/^Office \d$/),
      email: expect.stringMatching(/@office\d\.example\.org$/),
      kind: 'invitation',
      number: 0,
      status: 'sent',
      smtpCode: 250,
      smtpReply: expect.stringMatching(/^250 /),
    });
    expect(smtp.received).toHaveLength(3);

    // Asking again plans nobody twice.
    const again = await session.send('post', PATH, { kind: 'invitation' });
    expect(again.body).toEqual({ planned: 0, alreadyPlanned: 3, skipped: {} });
    await untilIdle(env, () => session.get(PATH));
    expect(smtp.received).toHaveLength(3);
    const audit = env.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'mailing.start'").all();
    expect(audit).toHaveLength(2);
  });

  it('refuses a second mailing of the fielding while one runs with 409 mailing_running', async () => {
    const { env, session } = await withSmtp({ offices: 3, dataDelayMs: 150 });
    await session.send('post', PATH, { kind: 'invitation' }).expect(202);

    const second = await session.send('post', PATH, { kind: 'invitation' });

    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('mailing_running');
    expect((await session.get(PATH)).body.running).toBe(true);
    await untilIdle(env, () => session.get(PATH));
  });

  it('stops on shutdown with every message in flight recorded and the rest still queued', async () => {
    const { env, smtp, session } = await withSmtp({ offices: 8, dataDelayMs: 100 });
    await session.send('post', PATH, { kind: 'invitation' }).expect(202);
    while (smtp.received.length < 2) await new Promise((r) => setTimeout(r, 10));

    await (env.app.locals.mailings as MailingRunner).stop();

    const statuses = env.db.prepare('SELECT status FROM email_sends').pluck().all() as string[];
    expect(statuses).not.toContain('sending');
    expect(statuses.filter((s) => s === 'sent')).toHaveLength(smtp.received.length);
    expect(statuses.filter((s) => s === 'queued').length).toBeGreaterThan(0);
    expect((await session.get(PATH)).body.running).toBe(false);
  });

  it('counts without changing anything on a dry run', async () => {
    const { env, smtp, session } = await withSmtp({ offices: 2 });

    const res = await session.send('post', PATH, { kind: 'invitation', dryRun: true });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ planned: 2, alreadyPlanned: 0, skipped: {} });
    expect(env.db.prepare('SELECT count(*) FROM email_sends').pluck().get()).toBe(0);
    expect(smtp.received).toHaveLength(0);
  });

  it('refuses another kind than invitation with 400 naming the field', async () => {
    const { session } = await withSmtp({ offices: 1 });
    const res = await session.send('post', PATH, { kind: 'reminder' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('kind must be \\"invitation\\"');
  });

  it('answers 503 email_off without SMTP_URL, and the progress says email is off', async () => {
    const env = staffEnv();
    seedFielding(env, { offices: 1 });
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const session = await signIn(env, email);

    const res = await session.send('post', PATH, { kind: 'invitation' });

    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('email_off');
    expect(env.db.prepare('SELECT count(*) FROM email_sends').pluck().get()).toBe(0);
    const progress = await session.get(PATH).expect(200);
    expect(progress.body).toEqual({
      email: { enabled: false, from: expect.any(String) },
      running: false,
      waiting: { invitations: 0, perMinute: 120, outBy: null },
      counts: [],
      recent: [],
      interrupted: [],
    });
  });

  it('says how many invitations are still queued and when they will be out at the fielding’s pace', async () => {
    const { env, session } = await withSmtp({ offices: 3 });
    const repos = createRepos(env.db);
    const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
    // A wave a stop left queued: planned, nothing sent yet.
    planInvitations(repos, fieldingId, env.clock().toISOString());

    const res = await session.get(PATH).expect(200);

    // 120 a minute: the first at once, the third a second later.
    const outBy = new Date(env.clock().getTime() + 1000).toISOString();
    expect(res.body.waiting).toEqual({ invitations: 3, perMinute: 120, outBy });
  });

  it('answers 404 for an unknown fielding', async () => {
    const { session } = await withSmtp({ offices: 1 });
    expect((await session.get('/api/staff/fieldings/nope/mailings')).status).toBe(404);
    expect((await session.send('post', '/api/staff/fieldings/nope/mailings', { kind: 'invitation' })).status).toBe(404);
  });
});
