import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../server/app.js';
import { main, USAGE } from '../server/cli.js';
import { parseCsv } from '../server/csv.js';
import { type Db, migrate, openDatabase } from '../server/db.js';
import { projectRoot } from '../server/paths.js';
import { createRuntime } from '../server/runtime.js';
import { hashSecret } from '../server/tokens/service.js';
import { frameCsv, frameRow, generateFrame } from './factories/frame.js';
import { shippedInstruments } from './support/app.js';

const PUBLIC_URL = 'https://survey.example.org';
const LINK_SHAPE = /^https:\/\/survey\.example\.org\/s\/[A-Za-z0-9_-]{32}$/;
const CODE_SHAPE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;
const LINK_COLUMNS = ['office_id', 'office_name', 'contact_name', 'contact_email', 'link', 'access_code'] as const;
const TABLES = ['offices', 'contacts', 'fieldings', 'cases', 'tokens', 'responses'] as const;

type LinkRow = Record<(typeof LINK_COLUMNS)[number], string>;
type CliResult = { code: number; out: string; err: string };

/** `fieldkit fielding create` of the Phase I survey as "pilot", writing links.csv, plus any extra options. */
function runCreate(ws: { run(...argv: string[]): Promise<CliResult> }, frame: string, ...extra: string[]) {
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

/**
 * A data folder of its own (removed when the test ends) and a way to run the CLI in it, in
 * process, with the output captured.
 */
function workspace(envOverrides: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: dir, PUBLIC_URL, LOG_LEVEL: 'silent', ...envOverrides };
  const databaseFile = path.join(dir, 'fieldkit.db');

  return {
    dir,
    env,
    databaseFile,
    file: (name: string) => path.join(dir, name),
    async run(...argv: string[]): Promise<CliResult> {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, { env, cwd: dir, out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join('\n'), err: err.join('\n') };
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
      onTestFinished(() => {
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
      onTestFinished(() => {
        if (deps.db.open) deps.db.close();
      });
      return request(createApp(deps));
    },
  };
}

type Workspace = ReturnType<typeof workspace>;

const NO_ROWS = { offices: 0, contacts: 0, fieldings: 0, cases: 0, tokens: 0, responses: 0 };
const tokenOfLink = (link: string) => link.split('/s/')[1] as string;
const bareCode = (code: string) => code.replaceAll('-', '');

/** Creates a fielding of hand-made offices 1..n and returns its links. */
async function createPilot(ws: Workspace, options: { name?: string; offices?: number; linksOut?: string } = {}) {
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

const draft = { answers: { consent: 1, a1_role: 2 }, page: 1, revision: 0 };

describe('fieldkit fielding create', () => {
  it('imports the frame, creates a case and a link per office, and writes the links file', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', generateFrame({ seed: 1, offices: 25 }));
    const officeIds = parseCsv(readFileSync(ws.file(frame), 'utf8'))
      .records.slice(1)
      .map((r) => r.fields[0]);

    const result = await ws.run(
      'fielding',
      'create',
      '--name',
      'spring-2027',
      '--instrument',
      'tip-prosecutor-survey',
      '--frame',
      frame,
      '--links-out',
      'links.csv',
    );

    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out).toContain(
      'Fielding "spring-2027" created with tip-prosecutor-survey@1.0.0: 25 offices, 25 links.',
    );
    expect(result.out).toContain(`Links and access codes written to ${ws.file('links.csv')}`);
    expect(ws.counts()).toEqual({ offices: 25, contacts: 25, fieldings: 1, cases: 25, tokens: 25, responses: 0 });
    const links = ws.readLinks('links.csv');
    expect(links.map((l) => l.office_id)).toEqual(officeIds);
    for (const row of links) {
      expect(row.link).toMatch(LINK_SHAPE);
      expect(row.access_code).toMatch(CODE_SHAPE);
      expect(row.contact_email).toMatch(/@.+\.example\.org$/);
    }
    expect(new Set(links.map((l) => l.link)).size).toBe(25);
    expect(new Set(links.map((l) => l.access_code)).size).toBe(25);
  });

  it('makes the links file readable by its owner only (mode 0600)', async () => {
    const ws = workspace();
    await createPilot(ws, { linksOut: 'links.csv' });

    expect(statSync(ws.file('links.csv')).mode & 0o777).toBe(0o600);
  });

  it('stores only SHA-256 hashes: the database files hold no clear link or code', async () => {
    const ws = workspace();
    const links = await createPilot(ws, { offices: 5 });
    const stored = Buffer.concat(
      [ws.databaseFile, `${ws.databaseFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    );

    expect(stored.length).toBeGreaterThan(0);
    for (const { link, access_code } of links) {
      const token = tokenOfLink(link);
      expect(stored.includes(token)).toBe(false);
      expect(stored.includes(bareCode(access_code))).toBe(false);
      expect(stored.includes(access_code)).toBe(false);
      expect(stored.includes(hashSecret(token))).toBe(true);
      expect(stored.includes(hashSecret(bareCode(access_code)))).toBe(true);
    }
    const db = ws.database();
    const hashes = db.prepare('SELECT link_hash, code_hash FROM tokens ORDER BY id').all();
    expect(hashes).toEqual(
      links.map((l) => ({
        link_hash: hashSecret(tokenOfLink(l.link)),
        code_hash: hashSecret(bareCode(l.access_code)),
      })),
    );
  });

  it('refuses to overwrite an existing links file, exits 2 and imports nothing', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1), frameRow(2)]));
    writeFileSync(ws.file('links.csv'), 'links sent last week\n');

    const result = await runCreate(ws, frame);

    expect(result.code).toBe(2);
    expect(result.err).toBe('fieldkit: links.csv already exists. Links are written once; choose a new file name.');
    expect(readFileSync(ws.file('links.csv'), 'utf8')).toBe('links sent last week\n');
    expect(ws.counts()).toEqual(NO_ROWS);
  });

  it('reports every problem of a bad frame with file:line:column, exits 2 and imports nothing', async () => {
    const ws = workspace();
    const frame = ws.writeFrame(
      'offices.csv',
      frameCsv([
        frameRow(1),
        frameRow(2, { contact_email: 'jane@' }), // line 3
        frameRow(3),
        frameRow(4, { state: 'XX' }), // line 5
        frameRow(5, { office_id: 'OFF-1' }), // line 6
      ]),
    );

    const result = await runCreate(ws, frame);

    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'fieldkit: offices.csv: 3 problem(s); nothing was imported.',
      'offices.csv:3:8 (contact_email): "jane@" is not a valid email address',
      'offices.csv:5:3 (state): "XX" is not the postal code of a U.S. state or DC',
      'offices.csv:6:1 (office_id): office_id "OFF-1" is already used on line 2',
    ]);
    expect(existsSync(ws.file('links.csv'))).toBe(false);
    expect(ws.counts()).toEqual(NO_ROWS);
  });

  it('refuses an unknown instrument, listing the known ones, and leaves nothing behind', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));
    const known = shippedInstruments()
      .all()
      .map((i) => i.key)
      .join(', ');

    const result = await ws.run(
      'fielding',
      'create',
      '--name',
      'pilot',
      '--instrument',
      'no-such-survey',
      '--frame',
      frame,
      '--links-out',
      'links.csv',
    );

    expect(result.code).toBe(1);
    expect(result.err).toBe(`fieldkit: No instrument "no-such-survey". Known: ${known}.`);
    expect(known).toContain('tip-prosecutor-survey@1.0.0');
    expect(existsSync(ws.file('links.csv'))).toBe(false);
    expect(ws.counts()).toEqual(NO_ROWS);
  });

  it('refuses a second fielding with the same name and keeps the first as it was', async () => {
    const ws = workspace();
    await createPilot(ws, { name: 'pilot', offices: 2, linksOut: 'first.csv' });
    const frame = ws.writeFrame('more.csv', frameCsv([frameRow(7)]));

    const result = await ws.run(
      'fielding',
      'create',
      '--name',
      'pilot',
      '--instrument',
      'tip-prosecutor-survey',
      '--frame',
      frame,
      '--links-out',
      'second.csv',
    );

    expect(result.code).toBe(1);
    expect(result.err).toBe('fieldkit: A fielding named "pilot" already exists; choose another name.');
    expect(existsSync(ws.file('second.csv'))).toBe(false);
    expect(ws.counts()).toEqual({ offices: 2, contacts: 2, fieldings: 1, cases: 2, tokens: 2, responses: 0 });
  });

  it('records a closing date at the end of that day, UTC', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

    const result = await runCreate(ws, frame, '--closes', '2099-03-31');

    expect(result.code).toBe(0);
    expect(ws.database().prepare('SELECT closes_at FROM fieldings').pluck().get()).toBe('2099-03-31T23:59:59.999Z');
  });

  it('refuses a closing date in the past and stores nothing', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

    const result = await runCreate(ws, frame, '--closes', '2020-01-01');

    expect(result.code).toBe(1);
    expect(result.err).toBe('fieldkit: The closing date must be in the future.');
    expect(existsSync(ws.file('links.csv'))).toBe(false);
    expect(ws.counts()).toEqual(NO_ROWS);
  });

  it.each(['31/03/2099', '2099-3-31', '2099-03-31T12:00', 'next friday'])(
    'refuses the closing date %j, which is not written YYYY-MM-DD, with exit code 2',
    async (closes) => {
      const ws = workspace();
      const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

      const result = await runCreate(ws, frame, '--closes', closes);

      expect(result.code).toBe(2);
      expect(result.err).toBe(`fieldkit: --closes must be a date like 2027-03-31, not "${closes}".`);
      expect(ws.counts()).toEqual(NO_ROWS);
    },
  );

  it.each(['2099-02-30', '2099-04-31', '2099-13-01'])(
    'refuses the closing date %s, which is not a real day, instead of moving it to another day',
    async (closes) => {
      const ws = workspace();
      const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

      const result = await runCreate(ws, frame, '--closes', closes);

      expect(result.code).toBe(2);
      expect(result.err).toBe(`fieldkit: --closes "${closes}" is not a real date.`);
      expect(ws.counts()).toEqual(NO_ROWS);
    },
  );

  it('names the missing options with exit code 2', async () => {
    const ws = workspace();

    const result = await ws.run('fielding', 'create', '--name', 'pilot');

    expect(result).toEqual({ code: 2, out: '', err: 'fieldkit: Missing --instrument, --frame, --links-out.' });
  });

  it('refuses an unknown option with exit code 2 and the usage', async () => {
    const ws = workspace();

    const result = await ws.run('fielding', 'create', '--nmae', 'pilot');

    expect(result.code).toBe(2);
    expect(result.err).toContain("Unknown option '--nmae'");
    expect(result.err).toContain(USAGE);
  });

  it('updates a re-used office and its contact and opens a second case, leaving the first response alone', async () => {
    const ws = workspace();
    const [wave1Office1] = await createPilot(ws, { name: 'wave-1', offices: 2 });
    const api = ws.api();
    const oldToken = tokenOfLink(wave1Office1?.link ?? '');
    const saved = await api.put(`/api/respond/${oldToken}/draft`).send(draft);
    expect(saved.status).toBe(200);
    const db = ws.database();
    const responseBefore = db.prepare('SELECT * FROM responses').all();
    const frame = ws.writeFrame(
      'wave-2.csv',
      frameCsv([frameRow(1, { office_name: 'Office One, renamed', contact_name: 'Dana Whitfield' }), frameRow(3)]),
    );

    const result = await ws.run(
      'fielding',
      'create',
      '--name',
      'wave-2',
      '--instrument',
      'tip-prosecutor-survey',
      '--frame',
      frame,
      '--links-out',
      'wave-2-links.csv',
    );

    expect(result.code).toBe(0);
    expect(ws.counts()).toEqual({ offices: 3, contacts: 3, fieldings: 2, cases: 4, tokens: 4, responses: 1 });
    expect(db.prepare("SELECT office_name FROM offices WHERE office_id = 'OFF-1'").pluck().get()).toBe(
      'Office One, renamed',
    );
    expect(
      db
        .prepare("SELECT c.name FROM contacts c JOIN offices o ON o.id = c.office_id WHERE o.office_id = 'OFF-1'")
        .pluck()
        .all(),
    ).toEqual(['Dana Whitfield']);
    expect(
      db
        .prepare(
          `SELECT f.name FROM cases c JOIN fieldings f ON f.id = c.fielding_id JOIN offices o ON o.id = c.office_id
           WHERE o.office_id = 'OFF-1' ORDER BY c.id`,
        )
        .pluck()
        .all(),
    ).toEqual(['wave-1', 'wave-2']);
    expect(db.prepare('SELECT * FROM responses').all()).toEqual(responseBefore);

    const [wave2Office1] = ws.readLinks('wave-2-links.csv');
    expect(wave2Office1).toMatchObject({ office_id: 'OFF-1', contact_name: 'Dana Whitfield' });
    const wave1 = await api.get(`/api/respond/${oldToken}`);
    const wave2 = await api.get(`/api/respond/${tokenOfLink(wave2Office1?.link ?? '')}`);
    expect(wave1.status).toBe(200);
    expect(wave1.body).toMatchObject({ status: 'open', answers: draft.answers, revision: 1 });
    expect(wave2.status).toBe(200);
    expect(wave2.body).toMatchObject({ status: 'open', office: { name: 'Office One, renamed' }, revision: 0 });
    expect(wave2.body.answers).not.toHaveProperty('a1_role');
  });
});

describe('fieldkit token revoke', () => {
  it('--link makes that link answer 404 at once, and leaves other links working', async () => {
    const ws = workspace();
    const [first, second] = await createPilot(ws, { offices: 2 });
    const api = ws.api();
    const before = await api.get(`/api/respond/${tokenOfLink(first?.link ?? '')}`);

    const result = await ws.run('token', 'revoke', '--link', first?.link ?? '');

    expect(before.status).toBe(200);
    expect(result).toEqual({ code: 0, out: 'Revoked 1 token(s). Their links and codes no longer work.', err: '' });
    const after = await api.get(`/api/respond/${tokenOfLink(first?.link ?? '')}`);
    expect(after.status).toBe(404);
    expect(after.body).toEqual({ error: expect.objectContaining({ code: 'link_not_valid' }) });
    const other = await api.get(`/api/respond/${tokenOfLink(second?.link ?? '')}`);
    expect(other.status).toBe(200);
  });

  it('--code revokes the token behind a printed access code, its link included', async () => {
    const ws = workspace();
    const [first] = await createPilot(ws, { offices: 1 });
    const api = ws.api();

    const result = await ws.run('token', 'revoke', '--code', first?.access_code.toLowerCase() ?? '');

    expect(result.code).toBe(0);
    const byCode = await api.post('/api/access-code').send({ code: first?.access_code });
    expect(byCode.status).toBe(404);
    expect(byCode.body.error.code).toBe('link_not_valid');
    const byLink = await api.get(`/api/respond/${tokenOfLink(first?.link ?? '')}`);
    expect(byLink.status).toBe(404);
  });

  it('--fielding --office --email revokes that contact’s link, whatever the case of the email', async () => {
    const ws = workspace();
    const [, second] = await createPilot(ws, { offices: 2 });
    const api = ws.api();

    const result = await ws.run(
      'token',
      'revoke',
      '--fielding',
      'pilot',
      '--office',
      'OFF-2',
      '--email',
      'Contact2@Office2.Example.org',
    );

    expect(result).toEqual({ code: 0, out: 'Revoked 1 token(s). Their links and codes no longer work.', err: '' });
    const after = await api.get(`/api/respond/${tokenOfLink(second?.link ?? '')}`);
    expect(after.status).toBe(404);
  });

  it('says so when the token was already revoked', async () => {
    const ws = workspace();
    const [first] = await createPilot(ws, { offices: 1 });
    await ws.run('token', 'revoke', '--link', first?.link ?? '');

    const again = await ws.run('token', 'revoke', '--link', first?.link ?? '');

    expect(again).toEqual({ code: 0, out: 'Nothing to revoke: the token was already revoked.', err: '' });
  });

  it.each([
    ['a link that was never issued', `${PUBLIC_URL}/s/${'A'.repeat(32)}`, 'No token matches that link or code.'],
    ['something that is no token at all', 'hello', 'That is neither a survey link nor an access code.'],
  ])('fails with exit code 1 for %s', async (_case, value, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('token', 'revoke', '--link', value);

    expect(result).toEqual({ code: 1, out: '', err: `fieldkit: ${message}` });
  });

  it('fails with exit code 1 for an office that is not in the fielding', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('token', 'revoke', '--fielding', 'pilot', '--office', 'OFF-9', '--email', 'x@y.org');

    expect(result).toEqual({ code: 1, out: '', err: 'fieldkit: Office "OFF-9" is not in fielding "pilot".' });
  });

  it('names the missing options with exit code 2 when given neither a secret nor a contact', async () => {
    const ws = workspace();

    const result = await ws.run('token', 'revoke', '--fielding', 'pilot');

    expect(result).toEqual({ code: 2, out: '', err: 'fieldkit: Missing --office, --email.' });
  });
});

describe('fieldkit token reissue', () => {
  it('writes a new link that reaches the same response, while the old link stops working', async () => {
    const ws = workspace();
    const [old] = await createPilot(ws, { offices: 1 });
    const api = ws.api();
    const saved = await api.put(`/api/respond/${tokenOfLink(old?.link ?? '')}/draft`).send(draft);
    expect(saved.status).toBe(200);

    const result = await ws.run(
      'token',
      'reissue',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--email',
      'contact1@office1.example.org',
      '--links-out',
      'new.csv',
    );

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Reissued the link for contact1@office1.example.org (OFF-1); the old one no longer works.',
    );
    const [fresh, ...others] = ws.readLinks('new.csv');
    expect(others).toEqual([]);
    expect(fresh?.link).toMatch(LINK_SHAPE);
    expect(fresh?.access_code).toMatch(CODE_SHAPE);
    expect(fresh?.link).not.toBe(old?.link);
    expect(statSync(ws.file('new.csv')).mode & 0o777).toBe(0o600);

    const oldLink = await api.get(`/api/respond/${tokenOfLink(old?.link ?? '')}`);
    expect(oldLink.status).toBe(404);
    const oldCode = await api.post('/api/access-code').send({ code: old?.access_code });
    expect(oldCode.status).toBe(404);
    const newLink = await api.get(`/api/respond/${tokenOfLink(fresh?.link ?? '')}`);
    expect(newLink.status).toBe(200);
    expect(newLink.body).toMatchObject({ status: 'open', answers: draft.answers, page: 1, revision: 1 });
    const newCode = await api.post('/api/access-code').send({ code: fresh?.access_code });
    expect(newCode.status).toBe(200);
    expect(newCode.body).toEqual({ credential: bareCode(fresh?.access_code ?? '') });
    expect(ws.counts()).toMatchObject({ cases: 1, tokens: 2, responses: 1 });
  });

  it('refuses to overwrite an existing links file and keeps the old link working', async () => {
    const ws = workspace();
    const [old] = await createPilot(ws, { offices: 1 });
    writeFileSync(ws.file('new.csv'), 'keep me\n');

    const result = await ws.run(
      'token',
      'reissue',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--email',
      'contact1@office1.example.org',
      '--links-out',
      'new.csv',
    );

    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'fieldkit: new.csv already exists. Links are written once; choose a new file name.',
    });
    expect(readFileSync(ws.file('new.csv'), 'utf8')).toBe('keep me\n');
    const oldLink = await ws.api().get(`/api/respond/${tokenOfLink(old?.link ?? '')}`);
    expect(oldLink.status).toBe(200);
    expect(ws.counts()).toMatchObject({ tokens: 1 });
  });

  it('fails with exit code 1 for a contact the office does not have, writing no file', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run(
      'token',
      'reissue',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--email',
      'someone.else@office1.example.org',
      '--links-out',
      'new.csv',
    );

    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'fieldkit: Office "OFF-1" has no contact someone.else@office1.example.org.',
    });
    expect(existsSync(ws.file('new.csv'))).toBe(false);
    expect(ws.counts()).toMatchObject({ tokens: 1 });
  });
});

describe('fieldkit fielding list', () => {
  it('says there are none yet in a new data folder', async () => {
    const ws = workspace();

    expect(await ws.run('fielding', 'list')).toEqual({ code: 0, out: 'No fieldings yet.', err: '' });
  });

  it('lists each fielding with its instrument, case count and closing date', async () => {
    const ws = workspace();
    await createPilot(ws, { name: 'pilot', offices: 2 });
    const frame = ws.writeFrame('main.csv', frameCsv([frameRow(3), frameRow(4), frameRow(5)]));
    await ws.run(
      'fielding',
      'create',
      '--name',
      'main',
      '--instrument',
      'tip-prosecutor-survey@1.0.0',
      '--frame',
      frame,
      '--links-out',
      'main-links.csv',
      '--closes',
      '2099-06-30',
    );

    const result = await ws.run('fielding', 'list');

    expect(result.code).toBe(0);
    const lines = result.out.split('\n').map((line) => line.split('\t'));
    expect(lines).toEqual([
      ['pilot', 'tip-prosecutor-survey@1.0.0', '2 cases', expect.stringMatching(/^created \d{4}-\d\d-\d\dT/)],
      [
        'main',
        'tip-prosecutor-survey@1.0.0',
        '3 cases',
        expect.stringMatching(/^created /),
        'closes 2099-06-30T23:59:59.999Z',
      ],
    ]);
  });
});

describe('fieldkit instruments list', () => {
  it('lists every loaded instrument with its key, mode, length and title', async () => {
    const ws = workspace();

    const result = await ws.run('instruments', 'list');

    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual(
      shippedInstruments()
        .all()
        .map((i) => `${i.key}\t${i.meta.mode}\t${i.meta.estimatedMinutes} min\t${i.meta.title}`),
    );
    expect(result.out).toMatch(/^tip-prosecutor-survey@1\.0\.0\tself\t25 min\t/m);
  });
});

describe('fieldkit frame check', () => {
  it('counts the offices of a good frame and touches no database', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', generateFrame({ seed: 1, offices: 25 }));

    const result = await ws.run('frame', 'check', frame);

    expect(result).toEqual({ code: 0, out: 'offices.csv: 25 offices, no problems.', err: '' });
    expect(existsSync(ws.databaseFile)).toBe(false);
  });

  it('lists the problems of a bad frame with exit code 2', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1), frameRow(2, { population: '1,200' })]));

    const result = await ws.run('frame', 'check', frame);

    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'fieldkit: offices.csv: 1 problem(s); nothing was imported.',
      'offices.csv:3:5 (population): "1,200" is not a whole number (digits only: no commas, signs, decimals or exponents)',
    ]);
  });

  it('says when the frame file cannot be read', async () => {
    const ws = workspace();

    const result = await ws.run('frame', 'check', 'missing.csv');

    expect(result).toEqual({ code: 2, out: '', err: 'fieldkit: Cannot read the frame file missing.csv.' });
  });
});

describe('fieldkit (usage and configuration)', () => {
  it.each([
    [['frobnicate'], 'frobnicate'],
    [['fielding', 'destroy'], 'fielding destroy'],
  ])('answers the unknown command %j with exit code 2 and the usage', async (argv, shown) => {
    const ws = workspace();

    const result = await ws.run(...argv);

    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(`fieldkit: unknown command "${shown}".\n\n${USAGE}`);
  });

  it.each([['help'], ['--help'], ['-h']])('prints the usage for %s with exit code 0', async (flag) => {
    const ws = workspace();

    expect(await ws.run(flag)).toEqual({ code: 0, out: USAGE, err: '' });
  });

  it('prints the usage with exit code 2 when run without a command', async () => {
    const ws = workspace();

    expect(await ws.run()).toEqual({ code: 2, out: USAGE, err: '' });
  });

  it('reports a bad environment variable by name with exit code 1', async () => {
    const ws = workspace({ PUBLIC_URL: 'ftp://survey.example.org' });

    const result = await ws.run('fielding', 'list');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^fieldkit: Invalid configuration in the environment:\n\s+PUBLIC_URL: /);
  });
});

describe('fieldkit instruments check', () => {
  it('passes on the five shipped instruments, listing each version with its variables and content hash', async () => {
    const ws = workspace();
    const result = await ws.run('instruments', 'check');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines).toHaveLength(5);
    for (const id of [
      'cs-case-file-abstraction',
      'cs-law-enforcement-interview',
      'cs-prosecutor-interview',
      'cs-victim-services-interview',
      'tip-prosecutor-survey',
    ]) {
      expect(result.out).toMatch(
        new RegExp(`^ok  ${id}@1\\.0\\.0  \\d+ variables  sha256:[0-9a-f]{64}  \\(${id}\\.json\\)$`, 'm'),
      );
    }
  });

  it('fails with exit code 1 on a broken file, naming file, question and problem', async () => {
    const ws = workspace();
    const broken = JSON.parse(
      readFileSync(path.join(projectRoot, 'instruments', 'tip-prosecutor-survey.json'), 'utf8'),
    );
    broken.survey.pages[1].elements[0].visibleIf = '{no_such_question} = 1';
    writeFileSync(path.join(ws.dir, 'broken.json'), JSON.stringify(broken));
    const result = await ws.run('instruments', 'check', 'broken.json');
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'broken.json: question "a1_role": visibleIf "{no_such_question} = 1" names {no_such_question}',
    );
  });
});

describe('fieldkit codebook', () => {
  it.each(['md', 'json', 'html'])('writes the %s codebook of an instrument', async (format) => {
    const ws = workspace();
    const result = await ws.run('codebook', 'tip-prosecutor-survey', '--format', format, '--out', `cb.${format}`);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Codebook of tip-prosecutor-survey@1\.0\.0 \(\d+ variables\) written to cb\./);
    const text = readFileSync(path.join(ws.dir, `cb.${format}`), 'utf8');
    expect(text).toContain('b3_cases_2018_labor');
    if (format === 'json') expect(JSON.parse(text).variables.length).toBeGreaterThan(100);
  });

  it('refuses an unknown instrument or format with exit code 2', async () => {
    const ws = workspace();
    expect((await ws.run('codebook', 'nope')).err).toMatch(/No instrument "nope"\. Known: /);
    expect((await ws.run('codebook', 'tip-prosecutor-survey', '--format', 'pdf')).code).toBe(2);
  });
});
