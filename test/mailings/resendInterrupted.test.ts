import { describe, expect, it, onTestFinished } from 'vitest';
import { createSmtpMailer } from '../../server/mailings/mailer.js';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos } from '../../server/repos.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv } from '../support/app.js';
import { startSmtpServer } from '../support/smtp.js';

const PATH = '/api/staff/fieldings/pilot/mailings';

/** A fielding of one office whose invitation was being sent when a run stopped: status interrupted. */
async function withInterrupted() {
  const smtp = await startSmtpServer();
  const mailer = createSmtpMailer(smtp.url);
  const env = staffEnv({ mailer, sleep: async () => {} });
  onTestFinished(async () => {
    mailer.close();
    await smtp.close();
  });
  seedFielding(env, { offices: 1 });
  const repos = createRepos(env.db);
  const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
  const at = env.clock().toISOString();
  planInvitations(repos, fieldingId, at);
  const claimed = repos.mailings.claimNext(fieldingId, ['invitation'], at);
  if (!claimed) throw new Error('nothing to claim');
  repos.mailings.setSecrets(claimed.id, { tokenId: null, optOutHash: 'old-opt-out', messageId: '<old@fieldkit.test>' });
  expect(repos.mailings.interruptSend(claimed.id, at)).toBe(true);
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, smtp, repos, sendId: claimed.id, session: await signIn(env, email) };
}

async function untilIdle(env: TestEnv, get: () => Promise<{ body: { running: boolean } }>) {
  for (let i = 0; i < 200; i++) {
    if (!(await get()).body.running) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`mailing of ${env.config.publicUrl} still running`);
}

describe('POST /api/staff/fieldings/:name/mailings/interrupted', () => {
  it('lists the interrupted message, sends it again exactly once as a fresh message, and audits it', async () => {
    const { env, smtp, repos, sendId, session } = await withInterrupted();

    const before = await session.get(PATH);
    expect(before.body.interrupted).toEqual([
      {
        id: sendId,
        officeId: 'OFF-1',
        officeName: 'Office 1',
        email: 'contact1@office1.example.org',
        kind: 'invitation',
        number: 0,
        at: expect.any(String),
      },
    ]);

    const res = await session.send('post', `${PATH}/interrupted`, { sends: 'all', checkedMailbox: true });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ resent: 1, notInterrupted: [] });
    await untilIdle(env, () => session.get(PATH));
    expect(smtp.received.map((r) => r.envelopeTo)).toEqual([['contact1@office1.example.org']]);
    const send = repos.mailings.findSend(sendId);
    expect(send).toMatchObject({ status: 'sent' });
    expect(send?.message_id).not.toBe('<old@fieldkit.test>');
    // The interrupted message is kept as it was: a late bounce or its opt-out link still finds the case.
    expect(env.db.prepare('SELECT send_id, message_id, opt_out_hash, resent_by FROM email_resends').all()).toEqual([
      {
        send_id: sendId,
        message_id: '<old@fieldkit.test>',
        opt_out_hash: 'old-opt-out',
        resent_by: 'field@study.example.org',
      },
    ]);
    expect(repos.mailings.findByOptOutHash('old-opt-out')?.id).toBe(sendId);
    expect(repos.bounces.findSendByMessageId('<old@fieldkit.test>')?.send_id).toBe(sendId);
    expect(
      env.db.prepare("SELECT actor, fielding, detail FROM audit_log WHERE action = 'mailing.resend_interrupted'").all(),
    ).toEqual([{ actor: 'field@study.example.org', fielding: 'pilot', detail: JSON.stringify({ sends: [sendId] }) }]);
    expect((await session.get(PATH)).body.interrupted).toEqual([]);

    // A second request, for all or for that message, sends nothing.
    expect((await session.send('post', `${PATH}/interrupted`, { sends: 'all', checkedMailbox: true })).body).toEqual({
      resent: 0,
      notInterrupted: [],
    });
    expect((await session.send('post', `${PATH}/interrupted`, { sends: [sendId], checkedMailbox: true })).body).toEqual(
      { resent: 0, notInterrupted: [sendId] },
    );
    await untilIdle(env, () => session.get(PATH));
    expect(smtp.received).toHaveLength(1);
    expect(env.db.prepare('SELECT count(*) FROM email_resends').pluck().get()).toBe(1);
  });

  it('refuses with 400 unless staff confirm they checked the mailbox, and changes nothing', async () => {
    const { env, smtp, sendId, session } = await withInterrupted();

    const res = await session.send('post', `${PATH}/interrupted`, { sends: [sendId] });

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('checkedMailbox must be true');
    expect((await session.get(PATH)).body.interrupted).toHaveLength(1);
    expect(smtp.received).toHaveLength(0);
    expect(env.db.prepare('SELECT count(*) FROM email_resends').pluck().get()).toBe(0);
  });
});
