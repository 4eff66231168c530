import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { loadInstrumentFile } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/paths.js';
import { workspace } from './workspace.js';

/** Small surveys of our own, one per finding of the held-out audits (issue 18). */
const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'import');
const fixture = (name: string) => path.join(FIXTURES, name);

/** Imports a fixture into a fresh workspace as `<id>.json`; returns the run and the workspace. */
async function importFixture(name: string, id: string, ...extra: string[]) {
  const ws = workspace();
  const result = await ws.run('instruments', 'import', fixture(name), '--id', id, '--out', `${id}.json`, ...extra);
  return { ws, result };
}

describe('fieldkit instruments import: names of export columns', () => {
  it('gives every export column a unique name of at most 32 characters, so the survey it names imports and checks', async () => {
    const { ws, result } = await importFixture('long-names.json', 'long-names');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const check = await ws.run('instruments', 'check', 'long-names.json');
    expect(check.code).toBe(0);

    const names = buildCodebook(loadInstrumentFile(ws.file('long-names.json'))).variables.map((v) => v.name);
    expect(names.filter((n) => n.length > 32)).toEqual([]);
    expect(names.length).toBe(new Set(names).size);
    // A part too long for a name is numbered; the question EVENTS_AF yields to row AF of EVENTS.
    expect(names).toEqual(
      expect.arrayContaining([
        'prosecutor_evaluation_r2',
        'events_af',
        'events_af_2',
        'number_of_attorneys_as_gang_unit',
      ]),
    );
  });

  it('keeps the numbered parts of the previous version and numbers a new long row after them', async () => {
    const { ws } = await importFixture('long-names.json', 'long-names');
    const result = await ws.run(
      'instruments',
      'import',
      fixture('long-names-2.json'),
      '--previous',
      'long-names.json',
      '--out',
      'long-names-2.json',
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const older = buildCodebook(loadInstrumentFile(ws.file('long-names.json'))).variables.map((v) => v.name);
    const newer = buildCodebook(loadInstrumentFile(ws.file('long-names-2.json'))).variables.map((v) => v.name);
    expect(newer).toEqual(expect.arrayContaining(older));
    expect(newer.filter((n) => !older.includes(n))).toEqual(['prosecutor_evaluation_r4']);
  });
});
