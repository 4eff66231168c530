import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../server/cli.js';
import { parseCsv } from '../../server/platform/csv.js';
import { hashSecret } from '../../server/platform/secrets.js';
import { frameCsv, frameRow, generateFrame } from '../factories/frame.js';
import { shippedInstruments } from '../support/app.js';
import {
  bareCode,
  CODE_SHAPE,
  createPilot,
  draft,
  LINK_SHAPE,
  NO_ROWS,
  runCreate,
  tokenOfLink,
  workspace,
} from './workspace.js';

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
        frameRow(1, { office_name: 'Office One', contact_email: 'second@office1.example.org' }), // line 6
      ]),
    );

    const result = await runCreate(ws, frame);

    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'fieldkit: offices.csv: 3 problem(s); nothing was imported.',
      'offices.csv:3:8 (contact_email): "jane@" is not a valid email address',
      'offices.csv:5:3 (state): "XX" is not the postal code of a U.S. state or DC',
      'offices.csv:6:2 (office_name): differs from line 2 for office "OFF-1"',
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

  it('refuses a name of dots only or with control or bidirectional-text characters, and stores nothing', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

    const dots = await runCreate(ws, frame, '--name', '..');
    const bidi = await runCreate(ws, frame, '--name', 'pilot\u202Ecsv');
    const control = await runCreate(ws, frame, '--name', 'pilot\u001b[2J');

    expect(dots).toMatchObject({ code: 1, err: 'fieldkit: The fielding name ".." may not be only dots.' });
    expect(bidi).toMatchObject({
      code: 1,
      err: 'fieldkit: The fielding name "pilot\\u202ecsv" may not contain bidirectional-text controls (U+202E found).',
    });
    expect(control).toMatchObject({
      code: 1,
      err: 'fieldkit: The fielding name "pilot\\u001b[2J" may not contain control characters (U+001B found).',
    });
    expect(existsSync(ws.file('links.csv'))).toBe(false);
    expect(ws.counts()).toEqual(NO_ROWS);
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

describe('fieldkit fielding list', () => {
  it('says there are none yet in a data folder whose database has no fieldings', async () => {
    const ws = workspace();
    ws.database().close();

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
