import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { planInvitations } from '../../server/mailings/service.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createRepos } from '../../server/repos.js';
import { createPilot, workspace } from '../cli/workspace.js';
import { parseMail, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

// The CLI from source in a process of its own; --import takes tsx by path, since the cwd is a temp folder.
const TSX_LOADER = pathToFileURL(path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CLI_MAIN = path.join(projectRoot, 'test', 'support', 'cliMain.ts');

async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const smtp = await startSmtpServer(options);
  onTestFinished(() => smtp.close());
  return smtp;
}

/** Sets the fielding's pace, as the console's mail settings would. */
function setPerMinute(ws: ReturnType<typeof workspace>, perMinute: number) {
  const repos = createRepos(ws.database());
  const fielding = repos.fieldings.findFieldingByName('pilot');
  if (!fielding) throw new Error('no fielding pilot');
  repos.fieldings.saveMailSettings(
    fielding.id,
    { ...repos.fieldings.mailSettingsOf(fielding.id), perMinute },
    new Date().toISOString(),
  );
  repos.db.close();
}

const statuses = (ws: ReturnType<typeof workspace>) =>
  ws.database().prepare('SELECT status FROM email_sends ORDER BY id').pluck().all() as string[];

/** `fieldkit invite --fielding pilot` in a process of its own, killed when the test ends if still running. */
function spawnInvite(ws: ReturnType<typeof workspace>) {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_MAIN, 'invite', '--fielding', 'pilot'], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH ?? '', ...ws.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { out: '', err: '' };
  child.stdout?.on('data', (d) => {
    output.out += String(d);
  });
  child.stderr?.on('data', (d) => {
    output.err += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  return { child, output, exited };
}

const receivedPerAddress = (smtp: TestSmtpServer) => {
  const perAddress = new Map<string, number>();
  for (const r of smtp.received) for (const a of r.envelopeTo) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
  return perAddress;
};

describe('fieldkit invite --fielding <f>', () => {
  it('sends the invitations, draws a progress bar on a terminal, and prints the counts', async () => {
    const smtp = await smtpServer({
      rcpt: (a) => (a === 'contact2@office2.example.org' ? { code: 550, message: '5.1.1 User unknown' } : undefined),
    });
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 3 });
    setPerMinute(ws, 6000);

    const result = await ws.runOnTerminal('invite', '--fielding', 'pilot');

    expect(result.code).toBe(0);
    expect(result.out).toContain('Planned 3 new invitation(s) for pilot (0 planned before).');
    expect(result.out).toContain('Sent: 2');
    expect(result.out).toContain('Rejected by the mail server (contact now undeliverable): 1');
    expect(result.out).toMatch(/^ {2}OFF-2 contact2@office2\.example\.org: 550 5\.1\.1 User unknown$/m);
    expect(result.progress.at(-2)).toContain('100% invitations 3/3');
    expect(smtp.received.map((r) => parseMail(r.raw).headers.to).sort()).toEqual([
      'Contact 1 <contact1@office1.example.org>',
      'Contact 3 <contact3@office3.example.org>',
    ]);
    expect(statuses(ws)).toEqual(['sent', 'rejected', 'sent']);

    // Run again: nothing new is planned and nobody gets a second mail.
    const again = await ws.run('invite', '--fielding', 'pilot');
    expect(again.out).toContain('Planned 0 new invitation(s) for pilot (3 planned before).');
    expect(smtp.received).toHaveLength(2);
  });

  it('changes nothing on --dry-run and shows the count, the skipped and the first message with placeholders', async () => {
    const smtp = await smtpServer();
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 3 });
    expect(
      (await ws.run('case', 'mark', '--fielding', 'pilot', '--office', 'OFF-1', '--refused', '--reason', 'phone')).code,
    ).toBe(0);

    const result = await ws.run('invite', '--fielding', 'pilot', '--dry-run');

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Dry run, nothing changed: 2 invitation(s) would be sent for pilot (0 planned before).',
    );
    expect(result.out).toContain('  skipped, refused or opted out: 1');
    expect(result.out).toContain('To: Contact 2 <contact2@office2.example.org>');
    expect(result.out).toContain('Subject: Invitation: national survey of prosecutors’ offices (Office 2)');
    expect(result.out).toContain('Dear Contact 2,');
    expect(result.out).toContain('https://survey.example.org/s/<personal link, issued when sent>');
    expect(statuses(ws)).toEqual([]);
    expect(smtp.received).toHaveLength(0);
  });

  it('--dry-run says how long the wave takes at the fielding’s pace, counting what an earlier run left queued', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 5 });
    setPerMinute(ws, 2);
    const fresh = await ws.run('invite', '--fielding', 'pilot', '--dry-run');
    expect(fresh.out).toContain(
      "At the fielding's pace of 2 a minute, the 5 invitation(s) take about 3 minutes to send.",
    );

    // A run stopped before sending any: all five wait in the queue.
    const repos = createRepos(ws.database());
    planInvitations(repos, repos.fieldings.findFieldingByName('pilot')?.id as number, new Date().toISOString());
    const resumed = await ws.run('invite', '--fielding', 'pilot', '--dry-run');

    expect(resumed.out).toContain(
      'Dry run, nothing changed: 0 invitation(s) would be sent for pilot (5 planned before).',
    );
    expect(resumed.out).toContain(
      "At the fielding's pace of 2 a minute, the 5 invitation(s) (with 5 still queued from an earlier run) take about 3 minutes to send.",
    );
  });

  it('without a terminal (cron, a log file) prints progress as whole lines, from the start to the end', async () => {
    const smtp = await smtpServer();
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 3 });
    setPerMinute(ws, 6000);

    const result = await ws.run('invite', '--fielding', 'pilot');

    expect(result.code).toBe(0);
    const lines = result.err.split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z invitations 0\/3 \(0%\)$/);
    expect(lines.at(-1)).toMatch(/^\S+Z invitations 3\/3 \(100%\)$/);
    expect(result.err).not.toContain('\r');
  });

  it('refuses to send without SMTP_URL, saying how to turn email on', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('invite', '--fielding', 'pilot');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^fieldkit: Email is off: SMTP_URL is not set, so no invitation can be sent\. Set SMTP_URL/,
    );
    expect(statuses(ws)).toEqual([]);
  });

  it('names an unknown fielding', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    const result = await ws.run('invite', '--fielding', 'nope');
    expect(result).toMatchObject({ code: 1, err: 'fieldkit: No fielding named "nope".' });
  });

  it('after a kill -9 mid-send, a new run never sends anyone a second copy and reports the interrupted ones', async () => {
    let child: ChildProcess | undefined;
    // The server kills the sender while the third message is in its hands, accepted a moment later:
    // the one case where the database cannot know whether the mail went out.
    const smtp = await smtpServer({ dataDelayMs: 100, onData: (n) => n === 3 && child?.kill('SIGKILL') });
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 8 });
    setPerMinute(ws, 1200);

    child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_MAIN, 'invite', '--fielding', 'pilot'], {
      cwd: ws.dir,
      env: { PATH: process.env.PATH ?? '', ...ws.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    onTestFinished(() => {
      child?.kill('SIGKILL');
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child?.on('exit', (_code, s) => resolve(s)));
    expect(signal, stderr).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const leftSending = statuses(ws).filter((s) => s === 'sending').length;
    expect(leftSending).toBeGreaterThanOrEqual(1);

    // At once: the rest is sent; the rows left in 'sending' are neither sent nor yet called interrupted.
    const second = await ws.run('invite', '--fielding', 'pilot');
    expect(second.code).toBe(0);
    expect(second.out).toContain(`Still marked as being sent: ${leftSending}`);

    // After the lease: the next run reports them as interrupted, by office and address.
    const past = new Date(Date.now() - 11 * 60_000).toISOString();
    ws.database().prepare("UPDATE email_sends SET started_at = ? WHERE status = 'sending'").run(past);
    const third = await ws.run('invite', '--fielding', 'pilot');
    expect(third.out).toContain(`Interrupted: ${leftSending} message(s)`);
    expect(third.out).toContain(
      'Then send those that did not arrive again: fieldkit mail interrupted --fielding pilot --resend all|<id>,<id> --checked-mailbox',
    );
    expect(third.out).toMatch(/^ {2}OFF-\d contact\d@office\d\.example\.org$/m);

    const perAddress = new Map<string, number>();
    for (const r of smtp.received) for (const a of r.envelopeTo) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    const final = statuses(ws);
    expect(final.filter((s) => s === 'interrupted')).toHaveLength(leftSending);
    expect(final.filter((s) => s === 'sent')).toHaveLength(8 - leftSending);
    // Every sent row's mail arrived; an interrupted one may or may not have.
    expect(smtp.received.length).toBeGreaterThanOrEqual(8 - leftSending);
    expect(smtp.received.length).toBeLessThanOrEqual(8);
  }, 60_000);
  it('after a kill -9 while waiting for a pace slot, leaves the waiting messages queued and sends each exactly once on the next run', async () => {
    let invite: ReturnType<typeof spawnInvite> | undefined;
    // Two seconds between messages: the sender is killed 0.7 s after the second arrived, while
    // the third waits for its slot and no SMTP transaction is under way.
    const smtp = await smtpServer({
      onData: (n) => n === 2 && setTimeout(() => invite?.child.kill('SIGKILL'), 700),
    });
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 8 });
    setPerMinute(ws, 30);

    invite = spawnInvite(ws);
    const { signal } = await invite.exited;
    expect(signal, invite.output.err).toBe('SIGKILL');
    expect(smtp.received).toHaveLength(2);
    expect(statuses(ws)).toEqual(['sent', 'sent', ...Array(6).fill('queued')]);

    setPerMinute(ws, 6000);
    const second = await ws.run('invite', '--fielding', 'pilot');
    expect(second.code).toBe(0);
    expect(second.out).not.toContain('Interrupted');
    expect(second.out).not.toContain('Still marked as being sent');
    expect(statuses(ws)).toEqual(Array(8).fill('sent'));
    expect(smtp.received).toHaveLength(8);
    expect([...receivedPerAddress(smtp).values()]).toEqual(Array(8).fill(1));
  }, 60_000);

  it('on SIGTERM at 2 per minute, claims nothing more, finishes the message in flight and exits within 10 s', async () => {
    let invite: ReturnType<typeof spawnInvite> | undefined;
    let signalledAt = 0;
    // The signal comes while the first message is in the SMTP server's hands (accepted 1.5 s later).
    const smtp = await smtpServer({
      dataDelayMs: 1500,
      onData: (n) => {
        if (n !== 1) return;
        signalledAt = Date.now();
        invite?.child.kill('SIGTERM');
      },
    });
    const ws = workspace({ SMTP_URL: smtp.url });
    await createPilot(ws, { offices: 8 });
    setPerMinute(ws, 2);

    invite = spawnInvite(ws);
    const guard = setTimeout(() => invite?.child.kill('SIGKILL'), 30_000);
    const exit = await invite.exited;
    clearTimeout(guard);

    expect(exit.signal, invite.output.err).toBeNull();
    expect(exit.code, invite.output.err).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    expect(invite.output.out).toContain('Stopped: the rest stays queued for the next run.');
    expect(invite.output.out).toContain('Sent: 1');
    expect(smtp.received).toHaveLength(1);
    expect(statuses(ws)).toEqual(['sent', ...Array(7).fill('queued')]);
  }, 60_000);
});
