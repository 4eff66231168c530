import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { expect, onTestFinished } from 'vitest';
import { createApp } from '../../server/app.js';
import { main } from '../../server/cli.js';
import { parseCsv } from '../../server/platform/csv.js';
import { type Db, migrate, openDatabase } from '../../server/platform/db.js';
import { createRepos } from '../../server/repos.js';
import { createRuntime } from '../../server/runtime.js';
import { frameCsv, frameRow } from '../factories/frame.js';

export const PUBLIC_URL = 'https://survey.example.org';
export const LINK_SHAPE = /^https:\/\/survey\.example\.org\/s\/[A-Za-z0-9_-]{32}$/;
export const CODE_SHAPE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;
const LINK_COLUMNS = ['office_id', 'office_name', 'contact_name', 'contact_email', 'link', 'access_code'] as const;
const TABLES = ['offices', 'contacts', 'fieldings', 'cases', 'tokens', 'responses'] as const;

type LinkRow = Record<(typeof LINK_COLUMNS)[number], string>;
type CliResult = { code: number; out: string; err: string };

/** `fieldkit fielding create` of the Phase I survey as "pilot", writing links.csv, plus any extra options. */
export function runCreate(ws: { run(...argv: string[]): Promise<CliResult> }, frame: string, ...extra: string[]) {
  return ws.run(
    'fielding',
    'create',
    '--name',
    'pilot',
    '--instrument',
    'tip-prosecutor-survey',
    '--frame',
    frame,
    '--links-out',
    'links.csv',
    ...extra,
  );
}

/** Registers what to undo (close, remove) when the workspace is done with. */
export type Cleanup = (undo: () => void) => void;

/** A cleanup for a workspace built in `beforeAll`: collects the undos; `teardown` is what beforeAll returns. */
export function suiteCleanup(): { cleanup: Cleanup; teardown: () => void } {
  const undos: (() => void)[] = [];
  return {
    cleanup: (undo) => undos.push(undo),
    teardown: () => {
      for (const undo of undos.reverse()) undo();
    },
  };
}

/**
 * A data folder of its own (removed when the test ends) and a way to run the CLI in it, in
 * process, with the output captured. A suite that shares one workspace among its tests, built in
 * `beforeAll`, passes a `cleanup` that collects the undos for its teardown instead.
 */
export function workspace(envOverrides: Record<string, string> = {}, cleanup: Cleanup = onTestFinished) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-cli-'));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: dir, PUBLIC_URL, LOG_LEVEL: 'silent', ...envOverrides };
  const databaseFile = path.join(dir, 'fieldkit.db');

  /** The `fieldkit: database <file>` lines, kept apart from the other stderr output tests compare. */
  const opened: string[] = [];

  async function run(argv: string[], progress?: (text: string) => void): Promise<CliResult> {
    const out: string[] = [];
    const err: string[] = [];
    const toErr = (t: string) => {
      if (t.startsWith('fieldkit: database ')) opened.push(t.slice('fieldkit: database '.length));
      else err.push(t);
    };
    const code = await main(argv, {
      env,
      cwd: dir,
      out: (t) => out.push(t),
      err: toErr,
      ...(progress ? { progress } : {}),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  return {
    dir,
    env,
    databaseFile,
    opened,
    file: (name: string) => path.join(dir, name),
    run: (...argv: string[]): Promise<CliResult> => run(argv),
    /** As on a terminal: `progress` holds what stderr showed without newlines (progress bars). */
    async runOnTerminal(...argv: string[]): Promise<CliResult & { progress: string[] }> {
      const progress: string[] = [];
      return { ...(await run(argv, (t) => progress.push(t))), progress };
    },
    writeFrame(name: string, csv: string): string {
      writeFileSync(path.join(dir, name), csv);
      return name;
    },
    readLinks(name: string): LinkRow[] {
      const [header, ...rows] = parseCsv(readFileSync(path.join(dir, name), 'utf8')).records;
      expect(header?.fields).toEqual(LINK_COLUMNS);
      return rows.map(({ fields }) => Object.fromEntries(LINK_COLUMNS.map((c, i) => [c, fields[i] ?? ''])) as LinkRow);
    },
    /** A connection of the test's own to the CLI's database, closed when the test ends. */
    database(): Db {
      const db = openDatabase(databaseFile);
      migrate(db);
      cleanup(() => {
        if (db.open) db.close();
      });
      return db;
    },
    /** Row counts of the main tables, as a fresh connection sees them. */
    counts(): Record<(typeof TABLES)[number], number> {
      const db = openDatabase(databaseFile);
      try {
        migrate(db);
        return Object.fromEntries(
          TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]),
        ) as Record<(typeof TABLES)[number], number>;
      } finally {
        db.close();
      }
    },
    /** The respondent API over the same data folder, as the server would run it. */
    api() {
      const deps = createRuntime(env, dir);
      cleanup(() => {
        if (deps.db.open) deps.db.close();
      });
      return request(createApp(deps));
    },
  };
}

export type Workspace = ReturnType<typeof workspace>;

export const NO_ROWS = { offices: 0, contacts: 0, fieldings: 0, cases: 0, tokens: 0, responses: 0 };
export const tokenOfLink = (link: string) => link.split('/s/')[1] as string;
export const bareCode = (code: string) => code.replaceAll('-', '');

/** Creates a fielding of hand-made offices 1..n and returns its links. */
export async function createPilot(ws: Workspace, options: { name?: string; offices?: number; linksOut?: string } = {}) {
  const name = options.name ?? 'pilot';
  const linksOut = options.linksOut ?? `${name}-links.csv`;
  const rows = Array.from({ length: options.offices ?? 2 }, (_, i) => frameRow(i + 1));
  const frame = ws.writeFrame(`${name}-frame.csv`, frameCsv(rows));
  const result = await ws.run(
    'fielding',
    'create',
    '--name',
    name,
    '--instrument',
    'tip-prosecutor-survey',
    '--frame',
    frame,
    '--links-out',
    linksOut,
  );
  expect(result).toMatchObject({ code: 0, err: '' });
  return ws.readLinks(linksOut);
}

/** Runs `fieldkit invite` for the fielding at a fast pace (6,000 a minute), so a test does not wait between messages. */
export async function inviteFast(ws: Workspace, name = 'pilot') {
  const repos = createRepos(ws.database());
  const fielding = repos.fieldings.findFieldingByName(name);
  if (!fielding) throw new Error(`no fielding ${name}`);
  repos.fieldings.saveMailSettings(
    fielding.id,
    { ...repos.fieldings.mailSettingsOf(fielding.id), perMinute: 6000 },
    new Date().toISOString(),
  );
  return ws.run('invite', '--fielding', name);
}

export const draft = { answers: { consent: 1, a1_role: 2 }, page: 1, revision: 0 };
