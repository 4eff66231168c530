import { describe, expect, it, onTestFinished } from 'vitest';
import { planInvitations } from '../../server/mailings/service.js';
import { createRepos } from '../../server/repos.js';
import { startSmtpServer } from '../support/smtp.js';
import { createPilot, type Workspace, workspace } from './workspace.js';

/** Plans the pilot's invitations and leaves the first one interrupted, as a stopped run would. */
function interruptFirstInvitation(ws: Workspace): number {
  const repos = createRepos(ws.database());
  const fielding = repos.fieldings.findFieldingByName('pilot');
  if (!fielding) throw new Error('no fielding pilot');
  const at = new Date().toISOString();
  planInvitations(repos, fielding.id, at);
  const claimed = repos.mailings.claimNext(fielding.id, ['invitation'], at);
  if (!claimed) throw new Error('nothing to claim');
  repos.mailings.interruptSend(claimed.id, at);
  // Only the interrupted one is left to send: the others went out in that earlier run.
  repos.db.prepare("UPDATE email_sends SET status = 'sent' WHERE status = 'queued'").run();
  repos.db.close();
  return claimed.id;
}

describe('fieldkit mail interrupted --fielding <f>', () => {
  it('lists the interrupted message, and --resend all --checked-mailbox sends it exactly once to a real SMTP server', async () => {
    const smtp = await startSmtpServer();
    onTestFinished(() => smtp.close());
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 2 });
    const id = interruptFirstInvitation(ws);

    const list = await ws.run('mail', 'interrupted', '--fielding', 'pilot');
    expect(list).toMatchObject({ code: 0, err: '' });
    expect(list.out).toContain('pilot: 1 interrupted message(s) (the mail server may have accepted them).');
    expect(list.out).toMatch(
      new RegExp(`^ {2}${id} {2}OFF-1 {2}contact1@office1\\.example\\.org {2}invitation {2}\\d{4}-`, 'm'),
    );

    const unconfirmed = await ws.run('mail', 'interrupted', '--fielding', 'pilot', '--resend', 'all');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toContain('--resend needs --checked-mailbox');
    expect(smtp.received).toHaveLength(0);

    const resend = await ws.run('mail', 'interrupted', '--fielding', 'pilot', '--resend', 'all', '--checked-mailbox');
    expect(resend).toMatchObject({ code: 0, err: '' });
    expect(resend.out).toContain('Queued again: 1 interrupted message(s) of pilot.');
    expect(resend.out).toContain(`  ${id}  Contact 1 <contact1@office1.example.org>: sent`);
    expect(smtp.received.map((r) => r.envelopeTo)).toEqual([['contact1@office1.example.org']]);

    const again = await ws.run(
      'mail',
      'interrupted',
      '--fielding',
      'pilot',
      '--resend',
      String(id),
      '--checked-mailbox',
    );
    expect(again.code).toBe(0);
    expect(again.out).toContain('Queued again: 0 interrupted message(s) of pilot.');
    expect(again.out).toContain(`Not interrupted (sent again already, or not of this fielding), left alone: ${id}`);
    expect(smtp.received).toHaveLength(1);
    const db = ws.database();
    expect(db.prepare("SELECT actor FROM audit_log WHERE action = 'mailing.resend_interrupted'").all()).toHaveLength(1);
    expect(db.prepare('SELECT count(*) FROM email_resends').pluck().get()).toBe(1);
  });

  it('refuses --resend with something other than "all" or message ids, naming it', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('mail', 'interrupted', '--fielding', 'pilot', '--resend', '3,x', '--checked-mailbox');

    expect(result.code).toBe(2);
    expect(result.err).toContain('not understood: "x"');
  });
});
