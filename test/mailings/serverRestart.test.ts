import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { planInvitations } from '../../server/mailings/service.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createRepos } from '../../server/repos.js';
import { createPilot, type Workspace, workspace } from '../cli/workspace.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

/** The built server, as `npm start` runs it (npm run build:server first). */
const serverEntry = path.join(projectRoot, 'dist', 'server', 'index.js');
const DAY = 24 * 60 * 60_000;

async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const smtp = await startSmtpServer(options);
  onTestFinished(() => smtp.close());
  return smtp;
}

/** `node dist/server/index.js` on the workspace's data folder, killed when the test ends if still running. */
function startServer(ws: Workspace, env: Record<string, string> = {}) {
  if (!existsSync(serverEntry)) throw new Error('The server is not built: run `npm run build:server` first.');
  const child: ChildProcess = spawn(process.execPath, [serverEntry], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH ?? '', ...ws.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const output = { out: '', err: '' };
  child.stdout?.on('data', (d) => {
    output.out += String(d);
  });
  child.stderr?.on('data', (d) => {
    output.err += String(d);
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: Date.now() })),
  );
  return { child, output, exited };
}

async function until(condition: () => boolean, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const portOf = (out: string) => Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);

/** Whether anything still accepts connections on the port. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const rowsOf = (ws: Workspace) =>
  ws
    .database()
    .prepare('SELECT s.status, ct.email FROM email_sends s JOIN contacts ct ON ct.id = s.contact_id ORDER BY s.id')
    .all() as { status: string; email: string }[];

describe('npm start with a wave of invitations queued', () => {
  it('on SIGTERM with the mail server hanging, a pace slot 8 days ahead and a claim in sending, exits within 10 s with its port closed; the next start sends the rest exactly once', async () => {
    let hung = 0;
    // Takes the messages' data and answers nothing for 20 s: a mail server that hangs.
    const hanging = await smtpServer({
      dataDelayMs: 20_000,
      onData: () => {
        hung++;
      },
    });
    const ws = workspace({ SMTP_URL: hanging.url });
    await createPilot(ws, { offices: 6 });
    const repos = createRepos(ws.database());
    const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
    planInvitations(repos, fieldingId, new Date().toISOString());
    // What a clock set 8 days ahead left on the live data: the pace slot, and a claim of its own.
    const ahead = new Date(Date.now() + 8 * DAY);
    repos.db
      .prepare('INSERT INTO mail_pacing (fielding_id, next_slot_at) VALUES (?, ?)')
      .run(fieldingId, ahead.getTime());
    repos.db
      .prepare(
        "UPDATE email_sends SET status = 'sending', attempts = 1, started_at = ? WHERE id = (SELECT min(id) FROM email_sends)",
      )
      .run(ahead.toISOString());
    repos.db.close();

    const first = startServer(ws);
    await until(() => /Fieldkit is running/.test(first.output.out), 'the first start');
    expect(first.output.out).toMatch(
      /^ {2}pilot: 5 invitation\(s\) waiting; sending resumes now at 120 a minute, out by about \d{4}-\d\d-\d\d \d\d:\d\d UTC \(under a minute\)\.$/m,
    );
    await until(() => hung > 0, 'an invitation in the hanging mail server’s hands');
    const port = portOf(first.output.out);
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;

    // An upper bound on the stop, with the process's own exit: not a benchmark.
    expect(exit.at - signalledAt, first.output.err).toBeLessThan(10_000);
    expect(exit.code, first.output.err).toBe(0);
    expect(await accepts(port)).toBe(false);
    expect(first.output.err).toContain('moved back to now');
    const stopped = rowsOf(ws);
    // The future claim and the message(s) the mail server held are interrupted: they may have
    // arrived, so they are never sent again by themselves. Nothing is left in 'sending'.
    const interrupted = stopped.filter((r) => r.status === 'interrupted');
    expect(interrupted.length).toBe(1 + hung);
    expect(stopped.filter((r) => r.status === 'queued')).toHaveLength(6 - interrupted.length);
    expect(stopped.filter((r) => r.status === 'sending' || r.status === 'sent')).toEqual([]);

    // Started again with a mail server that answers: the queued ones go, each exactly once.
    const good = await smtpServer();
    const second = startServer(ws, { SMTP_URL: good.url });
    await until(() => rowsOf(ws).every((r) => r.status !== 'queued'), 'the resumed wave');
    second.child.kill('SIGTERM');
    expect((await second.exited).code, second.output.err).toBe(0);
    const received = good.received.flatMap((r) => r.envelopeTo).sort();
    const queuedAddresses = stopped.filter((r) => r.status === 'queued').map((r) => r.email);
    expect(received).toEqual([...queuedAddresses].sort());
    expect(rowsOf(ws).map((r) => r.status)).toEqual(stopped.map((r) => (r.status === 'queued' ? 'sent' : r.status)));
  }, 90_000);

  it('refuses to start with FIELDKIT_NOW on the live database, naming the command that makes a rehearsal copy', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const server = startServer(ws, { FIELDKIT_NOW: '2027-03-01T09:00:00Z' });
    const exit = await server.exited;

    expect(exit.code).toBe(1);
    expect(server.output.err).toContain('fieldkit: cannot start.\nFIELDKIT_NOW is set (2027-03-01T09:00:00.000Z), but');
    expect(server.output.err).toContain('npx fieldkit rehearsal copy --to <new folder>');
    expect(server.output.out).toBe('');
  });
});
