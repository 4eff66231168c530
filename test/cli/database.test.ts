import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../server/cli.js';
import { parseConfig } from '../../server/platform/config.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { createPilot, runCreate, workspace } from './workspace.js';

const noDatabase = (file: string) =>
  `fieldkit: No database at ${file}. DATA_DIR (default ./data) is taken relative to the current folder: run the command from the folder where the server runs, set DATA_DIR to the server's data folder, or create a fielding first with \`fieldkit fielding create\`.`;

describe('where the fieldkit command finds its database', () => {
  it('refuses `fielding list` where no database exists, naming the path, and creates none', async () => {
    const ws = workspace();

    const result = await ws.run('fielding', 'list');

    expect(result).toEqual({ code: 1, out: '', err: noDatabase(ws.databaseFile) });
    expect(readdirSync(ws.dir)).toEqual([]);
  });

  it('refuses `token revoke` where no database exists, and creates none', async () => {
    const ws = workspace();

    const result = await ws.run('token', 'revoke', '--code', 'KQ7M-4T9X-WP2H');

    expect(result).toEqual({ code: 1, out: '', err: noDatabase(ws.databaseFile) });
    expect(readdirSync(ws.dir)).toEqual([]);
  });

  it('runs the commands that need no database without creating one', async () => {
    const ws = workspace();
    ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

    expect((await ws.run('instruments', 'list')).code).toBe(0);
    expect((await ws.run('instruments', 'check')).code).toBe(0);
    expect((await ws.run('codebook', 'tip-prosecutor-survey', '--format', 'json')).code).toBe(0);
    expect((await ws.run('frame', 'check', 'offices.csv')).code).toBe(0);

    expect(readdirSync(ws.dir)).toEqual(['offices.csv']);
    expect(ws.opened).toEqual([]);
  });

  it('lets `fielding create` create the database, and says which file it opened', async () => {
    const ws = workspace();
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

    const result = await runCreate(ws, frame);

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(existsSync(ws.databaseFile)).toBe(true);
    expect(ws.opened).toEqual([ws.databaseFile]);
  });

  it('names the database file on stderr for every command that opens it', async () => {
    const ws = workspace();
    await createPilot(ws);
    const err: string[] = [];

    const code = await main(['fielding', 'list'], { env: ws.env, cwd: ws.dir, out: () => {}, err: (t) => err.push(t) });

    expect(code).toBe(0);
    expect(err).toEqual([`fieldkit: database ${ws.databaseFile}`]);
  });

  it('resolves a relative DATA_DIR from the current folder, exactly as the server does', async () => {
    const ws = workspace({ DATA_DIR: 'survey-data' });
    const frame = ws.writeFrame('offices.csv', frameCsv([frameRow(1)]));

    expect((await runCreate(ws, frame)).code).toBe(0);

    const expected = path.join(ws.dir, 'survey-data', 'fieldkit.db');
    expect(ws.opened).toEqual([expected]);
    expect(parseConfig(ws.env, ws.dir).databaseFile).toBe(expected);
    expect(existsSync(expected)).toBe(true);
  });
});
