import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { mailingContextOf } from '../../server/deps.js';
import { DEFAULT_MAIL_SETTINGS, type MailSettings } from '../../server/fieldings/repo.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createRehearsalRepo } from '../../server/rehearsal/repo.js';
import { createRepos } from '../../server/repos.js';
import { createRuntime } from '../../server/runtime.js';
import { createPilot, type Workspace, workspace } from '../cli/workspace.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { dayAt, type Mailbox } from './setup.js';

export type RemindWorkspace = Mailbox & { ws: Workspace; smtp: TestSmtpServer };

/**
 * A CLI data folder with a fielding "pilot" of `offices` offices, a real SMTP server that takes
 * `dataDelayMs` to accept each message, reminders on days 7, 14 and 21, and every invitation sent
 * on day 0 (through the runtime the CLI uses, with FIELDKIT_NOW at day 0, on a rehearsal copy).
 */
export async function remindWorkspace(
  options: { offices?: number; dataDelayMs?: number; settings?: Partial<MailSettings> } = {},
): Promise<RemindWorkspace> {
  const smtp = await startSmtpServer(options.dataDelayMs ? { dataDelayMs: options.dataDelayMs } : {});
  onTestFinished(() => smtp.close());
  const ws = workspace({ SMTP_URL: smtp.url });
  await createPilot(ws, { offices: options.offices ?? 3 });
  markRehearsal(ws);
  const db = ws.database();
  const repos = createRepos(db);
  const fieldingId = repos.fieldings.findFieldingByName('pilot')?.id as number;
  repos.fieldings.saveMailSettings(
    fieldingId,
    {
      ...DEFAULT_MAIL_SETTINGS,
      remindersEnabled: true,
      reminderDays: [7, 14, 21],
      perMinute: 100_000,
      ...options.settings,
    },
    dayAt(0),
  );
  const deps = createRuntime({ ...ws.env, FIELDKIT_NOW: dayAt(0) }, ws.dir);
  try {
    const mailing = mailingContextOf(deps, deps.mailer as NonNullable<typeof deps.mailer>);
    planInvitations(mailing.repos, fieldingId, deps.clock().toISOString());
    await dispatchQueued(mailing, { fieldingId, kinds: ['invitation'] });
  } finally {
    deps.mailer?.close();
    await deps.validation.close();
    deps.db.close();
  }
  return { ws, smtp, repos };
}

/**
 * Marks the workspace's database as a rehearsal copy, as `fieldkit rehearsal copy` marks the copies
 * it makes (test/rehearsal/ proves that command): FIELDKIT_NOW acts only on such a database.
 */
export function markRehearsal(ws: Workspace): void {
  const db = ws.database();
  createRehearsalRepo(db).markRehearsalCopy(ws.databaseFile, new Date().toISOString());
  db.close();
}

export type ChildRun = { code: number | null; stdout: string; stderr: string };

/**
 * `fieldkit <args>` in a process of its own, from the sources, on the workspace's data folder.
 * `started` resolves when the process has opened the database (its first stderr line).
 */
export function spawnFieldkit(ws: Workspace, args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'test', 'support', 'cliMain.ts'), ...args],
    { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', ...ws.env, ...env } },
  );
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
    if (stderr.includes('fieldkit: database ')) markStarted();
  });
  const done = new Promise<ChildRun>((resolve) => {
    child.on('exit', (code) => {
      markStarted();
      resolve({ code, stdout, stderr });
    });
  });
  return { started, done };
}
