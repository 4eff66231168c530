import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../server/platform/paths.js';

/** The built server and CLI as a person runs them: `npm start` runs dist/server/index.js. */
const serverEntry = path.join(projectRoot, 'dist', 'server', 'index.js');
const cliEntry = path.join(projectRoot, 'bin', 'fieldkit.js');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-proc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(entry: string, args: string[], env: Record<string, string>, until?: RegExp) {
  if (!existsSync(serverEntry))
    throw new Error('The server is not built: run `npm run build` first (npm run check does).');
  const child: ChildProcess = spawn(process.execPath, [entry, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: env.CWD ?? projectRoot,
  });
  cleanups.push(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string; child: ChildProcess }>((resolve) => {
    if (until) {
      const check = () => {
        if (until.test(stdout)) resolve({ code: null, stdout, stderr, child });
      };
      child.stdout?.on('data', check);
    }
    child.on('exit', (code) => resolve({ code, stdout, stderr, child }));
  });
}

describe('npm start (dist/server/index.js)', () => {
  it('starts on the embedded defaults, prints where it listens and what to do next, and serves', async () => {
    const dir = tempDir();
    const started = await run(
      serverEntry,
      [],
      { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: 'http://survey.example.org' },
      /Fieldkit is running/,
    );
    expect(started.code).toBeNull();
    expect(started.stdout).toContain('Fieldkit is running: http://survey.example.org');
    expect(started.stdout).toContain('tip-prosecutor-survey@1.0.0');
    expect(started.stdout).toContain('fieldkit fielding create');
    expect(started.stdout).toContain('http://survey.example.org/code');
    expect(started.stdout).toContain('No staff accounts yet. Create the first admin');
    expect(started.stdout).toContain('npx fieldkit staff add you@your-institution.org --role admin');
    // People sign in to the console; the JSON login route is for scripts, not for a person.
    expect(started.stdout).toContain('sign in to the staff console at http://survey.example.org/staff/');
    expect(started.stdout).not.toContain('/api/staff/login');
    expect(started.stdout).toContain('Email is off (SMTP_URL is not set)');
    expect(started.stdout).toContain('To turn it on, restart with SMTP_URL=smtp://');
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(started.stdout)?.[1]);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(existsSync(path.join(dir, 'fieldkit.db'))).toBe(true);
    started.child.kill('SIGTERM');
  });

  it('after staff add, points staff to the console at PUBLIC_URL/staff/, not to the JSON API', {
    timeout: 90_000,
  }, async () => {
    const dir = tempDir();
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: 'http://survey.example.org' };
    // The first start creates the database that staff add writes to.
    const first = await run(serverEntry, [], env, /Fieldkit is running[\s\S]*Email is/);
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const added = await run(cliEntry, ['staff', 'add', 'lead@study.example.org', '--role', 'admin'], env);
    expect(added.code, added.stderr).toBe(0);
    const started = await run(serverEntry, [], env, /Fieldkit is running[\s\S]*Email is/);
    expect(started.stdout).toContain('1 staff account(s). Staff sign in at http://survey.example.org/staff/');
    expect(started.stdout).not.toContain('/api/staff/login');
    started.child.kill('SIGTERM');
  });

  it('refuses to start with a malformed instrument, naming the file and the problem', async () => {
    const dir = tempDir();
    const instruments = path.join(dir, 'instruments');
    mkdirSync(instruments);
    writeFileSync(path.join(instruments, 'broken.json'), '{\n  "meta": {\n    "id": "broken",\n  }\n}\n');
    const result = await run(serverEntry, [], { DATA_DIR: dir, PORT: '0', INSTRUMENTS_DIR: instruments });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('fieldkit: cannot start.');
    expect(result.stderr).toMatch(/broken\.json:4:3: not valid JSON/);
  });

  it('refuses a port already in use with exit code 1 and one line naming the address', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    const result = await run(serverEntry, [], { DATA_DIR: tempDir(), PORT: String(port), HOST: '127.0.0.1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `fieldkit: cannot start: 127.0.0.1:${port} is already in use (stop the other program or set PORT to another port).\n`,
    );
  });

  it('refuses to start with a bad setting, naming it', async () => {
    const result = await run(serverEntry, [], { DATA_DIR: tempDir(), PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PORT: must be a port number/);
  });
});

describe('the fieldkit command (bin/fieldkit.js)', () => {
  it('prints its usage', async () => {
    const result = await run(cliEntry, ['help'], { DATA_DIR: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('fielding create --name <name>');
  });
});
