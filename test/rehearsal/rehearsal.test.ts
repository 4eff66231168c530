import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/platform/db.js';
import { createRehearsalRepo } from '../../server/rehearsal/repo.js';
import { createPilot, workspace } from '../cli/workspace.js';

const NOW = '2027-03-01T09:00:00Z';
const runWith = (ws: ReturnType<typeof workspace>, env: Record<string, string>, ...argv: string[]) => {
  Object.assign(ws.env, env);
  return ws.run(...argv);
};

describe('FIELDKIT_NOW on the live database', () => {
  it('is refused before anything changes, naming the problem and the command that makes a copy', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 2 });
    const before = ws.counts();

    const result = await runWith(ws, { FIELDKIT_NOW: NOW }, 'remind', '--fielding', 'pilot');

    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `fieldkit: FIELDKIT_NOW is set (2027-03-01T09:00:00.000Z), but ${ws.databaseFile} is not a rehearsal copy: acting as if it were another time would change the live study (its mail pace, reminders and case log). Unset FIELDKIT_NOW, or rehearse on a copy: npx fieldkit rehearsal copy --to <new folder>, then run with DATA_DIR=<new folder>.`,
    );
    expect(ws.counts()).toEqual(before);
  });
});

describe('fieldkit rehearsal copy --to <folder>', () => {
  it('copies a live WAL database with its uncheckpointed commits, marks only the copy, and FIELDKIT_NOW runs there', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 3 });
    // The server's connection, still open: its last commit is in the -wal file, not yet in the main file.
    const server = openDatabase(ws.databaseFile);
    server.pragma('wal_autocheckpoint = 0');
    server.prepare("UPDATE offices SET office_name = 'Renamed while running' WHERE office_id = 'OFF-1'").run();
    expect(statSync(`${ws.databaseFile}-wal`).size).toBeGreaterThan(0);

    const result = await ws.run('rehearsal', 'copy', '--to', 'rehearsal');

    const copyFile = path.join(ws.dir, 'rehearsal', 'fieldkit.db');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out.split('\n')[0]).toBe(
      `Copied ${ws.databaseFile} to ${copyFile}, marked as a rehearsal copy (the live database is unchanged).`,
    );
    expect(result.out).toContain(
      `DATA_DIR=${path.join(ws.dir, 'rehearsal')} FIELDKIT_NOW=2027-03-01T09:00:00Z npx fieldkit remind`,
    );
    const copy = openDatabase(copyFile);
    expect(copy.prepare("SELECT office_name FROM offices WHERE office_id = 'OFF-1'").pluck().get()).toBe(
      'Renamed while running',
    );
    expect(createRehearsalRepo(copy).findRehearsalCopy()).toEqual({
      copied_from: ws.databaseFile,
      copied_at: expect.any(String),
    });
    copy.close();
    expect(createRehearsalRepo(server).findRehearsalCopy()).toBeUndefined();
    expect((statSync(copyFile).mode & 0o777).toString(8)).toBe('600');
    server.close();

    const onCopy = await runWith(
      ws,
      { DATA_DIR: path.join(ws.dir, 'rehearsal'), FIELDKIT_NOW: NOW },
      'status',
      '--fielding',
      'pilot',
    );
    expect(onCopy.code, onCopy.err).toBe(0);
  });

  it.each([
    [['--to', 'copy'], 1, /copy\/fieldkit\.db already exists: give a new folder, or delete that copy first\.$/],
    [['--to', '.'], 1, /--to \S+ is the live data folder: give a new folder for the copy\.$/],
    [[], 2, /^fieldkit: Missing --to\.$/],
  ])('refuses %j, changing nothing', async (args, code, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    expect((await ws.run('rehearsal', 'copy', '--to', 'copy')).code).toBe(0);
    const copyMtime = statSync(ws.file('copy/fieldkit.db')).mtimeMs;

    const result = await ws.run('rehearsal', 'copy', ...args);

    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
    expect(statSync(ws.file('copy/fieldkit.db')).mtimeMs).toBe(copyMtime);
    expect(existsSync(ws.file('fieldkit.db'))).toBe(true);
  });
});
