import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';
import { remindWorkspace } from './cliSetup.js';
import { addressOf, dayAt, remindersReceived, waitUntil } from './setup.js';

/** The built server, as `npm start` runs it. */
const serverEntry = path.join(projectRoot, 'dist', 'server', 'index.js');

describe('npm start with SMTP_URL: the reminder scheduler', () => {
  it('starts with the server, sends what is due at once, and stops with it on SIGTERM', async () => {
    if (!existsSync(serverEntry)) throw new Error('The server is not built: run `npm run build` first.');
    const w = await remindWorkspace({ offices: 2 });
    const child: ChildProcess = spawn(process.execPath, [serverEntry], {
      cwd: w.ws.dir,
      env: {
        PATH: process.env.PATH ?? '',
        ...w.ws.env,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        FIELDKIT_NOW: dayAt(7, 30 * 60_000),
      },
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await waitUntil(() => Object.keys(remindersReceived(w)).length === 2, 20_000);
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(stdout).toContain("Reminders and thank-yous go out by themselves where a fielding's mail settings");
    expect(stdout).toContain(`FIELDKIT_NOW is set: acting as if it were ${dayAt(7, 30 * 60_000)}.`);
    expect(stdout).toMatch(/reminders: fielding \d+: queued reminder 1: 2/);
    expect(stdout).not.toMatch(/contact\d+@|\/s\/[A-Za-z0-9_-]{20}/);
    expect(remindersReceived(w)).toEqual({ [addressOf('OFF-1')]: { 1: 1 }, [addressOf('OFF-2')]: { 1: 1 } });
  }, 60_000);
});
