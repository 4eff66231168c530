import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.js';
import { InstrumentVersionError } from '../../server/instruments/versions.js';
import { projectRoot } from '../../server/platform/paths.js';
import { createRepos } from '../../server/repos.js';
import { openResponse } from '../../server/responses/service.js';
import { createRuntime } from '../../server/runtime.js';
import { resolveCredential } from '../../server/tokens/service.js';
import { seedFielding, tokenOf } from '../support/app.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder and a private copy of the Phase I instrument that the test may edit. */
function workspace() {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-versions-'));
  dirs.push(dir);
  const instruments = path.join(dir, 'instruments');
  mkdirSync(instruments);
  const file = path.join(instruments, 'tip-prosecutor-survey.json');
  copyFileSync(path.join(projectRoot, 'instruments', 'tip-prosecutor-survey.json'), file);
  const env = { DATA_DIR: dir, INSTRUMENTS_DIR: instruments, LOG_LEVEL: 'silent' };
  const editTitle = (title: string) => {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.survey.pages[1].elements[0].title = title;
    writeFileSync(file, JSON.stringify(json, null, 2));
  };
  return { dir, env, file, editTitle };
}

function startResponse(env: Record<string, string>) {
  const deps = createRuntime(env);
  try {
    const [link] = seedFielding(deps);
    const { token } = resolveCredential(
      createRepos(deps.db).tokens,
      tokenOf(link as NonNullable<typeof link>),
      new Date(),
    );
    openResponse({ ...deps, repos: createRepos(deps.db) }, token as NonNullable<typeof token>, 'link');
  } finally {
    deps.db.close();
  }
}

describe('immutable instrument versions', () => {
  it('records each version’s content hash at start', () => {
    const ws = workspace();
    const deps = createRuntime(ws.env);
    const rows = deps.db.prepare('SELECT instrument_id, version, content_hash FROM instrument_versions').all();
    expect(rows).toEqual([
      {
        instrument_id: 'tip-prosecutor-survey',
        version: '1.0.0',
        content_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    deps.db.close();
  });

  it('lets a version nobody has answered change, and records the new hash', () => {
    const ws = workspace();
    createRuntime(ws.env).db.close();
    ws.editTitle('What is your job title in the office?');
    const deps = createRuntime(ws.env);
    const hash = deps.db.prepare('SELECT content_hash FROM instrument_versions').pluck().get();
    expect(hash).toBe(deps.instruments.resolve('tip-prosecutor-survey')?.contentHash);
    deps.db.close();
  });

  it('refuses to start when a version with responses changed on disk, naming the file, and changes nothing', () => {
    const ws = workspace();
    startResponse(ws.env);
    ws.editTitle('What is your job title in the office?');
    expect(() => createRuntime(ws.env)).toThrow(InstrumentVersionError);
    expect(() => createRuntime(ws.env)).toThrow(
      /tip-prosecutor-survey\.json: tip-prosecutor-survey@1\.0\.0 has changed since 1 response\(s\)/,
    );
  });

  it('starts again once the file is restored', () => {
    const ws = workspace();
    startResponse(ws.env);
    const original = readFileSync(ws.file, 'utf8');
    ws.editTitle('Changed');
    expect(() => createRuntime(ws.env)).toThrow(InstrumentVersionError);
    writeFileSync(ws.file, original);
    expect(() => createRuntime(ws.env).db.close()).not.toThrow();
  });

  it('is reported by `fieldkit instruments check` as well', async () => {
    const ws = workspace();
    startResponse(ws.env);
    ws.editTitle('Changed');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['instruments', 'check'], {
      env: ws.env,
      cwd: ws.dir,
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/has changed since 1 response\(s\) were given on it/);
  });
});
