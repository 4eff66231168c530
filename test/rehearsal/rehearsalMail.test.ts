import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError } from '../../server/platform/config.js';
import { createRuntime, isLoopbackHost } from '../../server/runtime.js';
import { createPilot, inviteFast, type Workspace, workspace } from '../cli/workspace.js';
import { startSmtpServer } from '../support/smtp.js';

const REAL_SMTP = 'smtp://user:secret@mail.example.org:587';

/** A live study with a rehearsal copy of it in ws/rehearsal; the CLI then runs on the copy. */
async function rehearsalOf(ws: Workspace): Promise<string> {
  await createPilot(ws, { offices: 2 });
  expect((await ws.run('rehearsal', 'copy', '--to', 'rehearsal')).code).toBe(0);
  const copyDir = path.join(ws.dir, 'rehearsal');
  ws.env.DATA_DIR = copyDir;
  return copyDir;
}

const sendsIn = (ws: Workspace) => ws.database().prepare('SELECT count(*) FROM email_sends').pluck().get() as number;

const refusal = (databaseFile: string) =>
  `fieldkit: SMTP_URL points to mail.example.org, but ${databaseFile} is a rehearsal copy: it holds the live study's real contact addresses, and a rehearsal must never email them. Unset SMTP_URL (email off), or point it at a capture server on this machine (e.g. SMTP_URL=smtp://127.0.0.1:1025).`;

describe('a rehearsal copy with SMTP_URL set to a real mail server', () => {
  it.each([[['invite', '--fielding', 'pilot']], [['remind', '--fielding', 'pilot']]])(
    'fieldkit %j refuses to send, naming the problem and what to do, and queues nothing',
    async (argv) => {
      const ws = workspace();
      const copyDir = await rehearsalOf(ws);
      Object.assign(ws.env, { SMTP_URL: REAL_SMTP });

      const result = await ws.run(...argv);

      expect(result.code).toBe(1);
      expect(result.err).toBe(refusal(path.join(copyDir, 'fieldkit.db')));
      expect(sendsIn(ws)).toBe(0);
    },
  );

  it('stops the server from starting (its runtime is refused with a configuration error)', async () => {
    const ws = workspace();
    const copyDir = await rehearsalOf(ws);

    expect(() => createRuntime({ ...ws.env, SMTP_URL: REAL_SMTP }, ws.dir)).toThrow(ConfigError);
    expect(() => createRuntime({ ...ws.env, SMTP_URL: REAL_SMTP }, ws.dir)).toThrow(
      refusal(path.join(copyDir, 'fieldkit.db')).slice('fieldkit: '.length),
    );
  });

  it('does not concern the live database, where a real mail server is what SMTP_URL is for', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    const deps = createRuntime({ ...ws.env, SMTP_URL: REAL_SMTP }, ws.dir);
    onTestFinished(async () => {
      deps.mailer?.close();
      await deps.validation.close();
      deps.db.close();
    });
    expect(deps.mailer).toBeDefined();
  });
});

describe('a rehearsal copy with SMTP_URL on loopback (a capture server)', () => {
  it('sends the invitations to the capture server', async () => {
    const smtp = await startSmtpServer();
    onTestFinished(() => smtp.close());
    const ws = workspace();
    await rehearsalOf(ws);
    Object.assign(ws.env, { SMTP_URL: smtp.url });
    const result = await inviteFast(ws);

    expect(result.code, result.err).toBe(0);
    expect(smtp.received).toHaveLength(2);
  });

  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['[::1]', true],
    ['mail.example.org', false],
    ['127.0.0.1.example.org', false],
    ['10.0.0.5', false],
    ['', false],
  ])('counts %j as loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
