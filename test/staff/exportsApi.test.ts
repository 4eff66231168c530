import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createExportRunner } from '../../server/exports/runner.js';
import type { TestEnv } from '../support/app.js';
import { binaryBody } from '../support/app.js';
import { describeProbe, probeHealthWhile } from '../support/probe.js';
import { unzipWithPython } from '../support/zip.js';
import { addMember, completedFielding, signIn, staffEnv } from './setup.js';

async function analyst(env: TestEnv) {
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return signIn(env, email);
}

const downloadsLeft = () =>
  readdirSync(tmpdir()).filter((f) => f.startsWith('fieldkit-download-') && !f.endsWith('.zip'));

describe('POST /api/staff/fieldings/:name/exports', () => {
  it('answers the zip as an attachment, with the chosen formats, and audits the export as the staff member', async () => {
    const env = staffEnv();
    completedFielding(env, 3);
    const staff = await analyst(env);
    const before = downloadsLeft();
    const res = await staff
      .send('post', '/api/staff/fieldings/wave1/exports', { formats: ['csv', 'codebook'], completesOnly: true })
      .buffer(true)
      .parse(binaryBody);
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?wave1-export-2027-02-01\.zip"?$/);
    const files = unzipWithPython(res.body as Buffer, { binary: true });
    expect(Object.keys(files).sort()).toEqual(['codebook.html', 'codebook.json', 'data.csv', 'manifest.json']);
    const manifest = JSON.parse(files['manifest.json'] as string);
    expect(manifest).toMatchObject({
      fielding: 'wave1',
      options: { formats: ['csv', 'codebook'], completesOnly: true, public: false, includeFreeText: false },
      tables: [{ name: 'data', rows: 3 }],
    });
    expect((files['data.csv'] as string).split('\r\n')[0]).toMatch(/^case_id,office_id,office_name,/);
    const audit = env.db.prepare("SELECT actor, fielding, detail FROM audit_log WHERE action = 'export'").all() as {
      actor: string;
      fielding: string;
      detail: string;
    }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'analyst@study.example.org', fielding: 'wave1' });
    expect(JSON.parse(audit[0]?.detail ?? '{}')).toMatchObject({
      out: 'wave1-export-2027-02-01.zip',
      options: manifest.options,
      files: manifest.files,
    });
    // The temporary folder of the download is gone once it was sent.
    expect(downloadsLeft()).toEqual(before);
  });

  it('refuses an unknown fielding (404), unknown formats and free text without the public file (400), recording nothing', async () => {
    const env = staffEnv();
    completedFielding(env, 1);
    const staff = await analyst(env);
    const missing = await staff.send('post', '/api/staff/fieldings/nope/exports', {});
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    const format = await staff.send('post', '/api/staff/fieldings/wave1/exports', { formats: ['pdf'] });
    expect(format.status).toBe(400);
    const freeText = await staff.send('post', '/api/staff/fieldings/wave1/exports', { includeFreeText: true });
    expect(freeText.status).toBe(400);
    expect(freeText.body.error.details.problems[0].path).toBe('includeFreeText');
    expect(env.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'export'").pluck().get()).toBe(0);
  });

  it('runs off the event loop: while a few hundred cases export, the health check answers promptly', async () => {
    const env = staffEnv();
    completedFielding(env, 400);
    const staff = await analyst(env);
    const { result: res, probe } = await probeHealthWhile(
      env,
      staff
        .send('post', '/api/staff/fieldings/wave1/exports', { formats: ['csv', 'sav', 'dta', 'codebook'] })
        .buffer(true)
        .parse(binaryBody)
        .then((r) => r),
    );
    expect(res.status).toBe(200);
    expect(Object.keys(unzipWithPython(res.body as Buffer, { binary: true }))).toContain('data.sav');
    process.stdout.write(describeProbe('export of 400 cases', probe));
    // Health kept answering throughout: many checks, and no stretch without one near the export's time.
    expect(probe.checks).toBeGreaterThan(10);
    expect(probe.longestGapMs).toBeLessThan(probe.elapsedMs / 10);
  }, 120_000);
});

describe('the export runner', () => {
  it('runs at most two exports at once and refuses a third with 503 exports_busy, then takes new ones', async () => {
    const env = staffEnv();
    completedFielding(env, 2);
    const runner = createExportRunner({ databaseFile: env.config.databaseFile, instruments: env.instruments });
    const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-runner-test-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const job = (n: number) =>
      runner.run(
        {
          fielding: 'wave1',
          out: path.join(dir, `${n}.zip`),
          formats: ['csv'],
          completesOnly: false,
          public: false,
          includeFreeText: false,
          actor: 'analyst@study.example.org',
        },
        env.clock(),
      );
    const running = [job(1), job(2)];
    await expect(job(3)).rejects.toMatchObject({ status: 503, code: 'exports_busy', headers: { 'Retry-After': '60' } });
    expect(runner.running()).toBe(2);
    const done = await Promise.all(running);
    expect(done.map((d) => d.audit.actor)).toEqual(['analyst@study.example.org', 'analyst@study.example.org']);
    expect(runner.running()).toBe(0);
    await expect(job(4)).resolves.toMatchObject({ manifest: { fielding: 'wave1' } });
  });
});
