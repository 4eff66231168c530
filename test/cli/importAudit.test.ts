import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildSurveyModel } from '../../client/respond/surveyModel.js';
import { buildCodebook } from '../../server/codebook/build.js';
import { parseCsv } from '../../server/csv.js';
import { exportFielding } from '../../server/exports/service.js';
import { createInstrumentRegistry, loadInstrumentFile } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/paths.js';
import { createRepos } from '../../server/repos.js';
import { frameRow } from '../factories/frame.js';
import { openEnv, postComplete } from '../responses/setup.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { workspace } from './workspace.js';

/** Small surveys of our own, one per finding of the held-out audits (issue 18). */
const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'import');
const fixture = (name: string) => path.join(FIXTURES, name);

/** The records of a CSV file as objects keyed by its header. */
function csvObjects(file: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8')).records.map((r) => r.fields);
  return rows.map((row) => Object.fromEntries((header ?? []).map((h, i) => [h, row[i] ?? ''])));
}

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

describe('fieldkit instruments import: questions with a valueName', () => {
  it('exports the coded value of a matrixdynamic and a radiogroup stored under a valueName, in columns named by the map', async () => {
    const { ws, result } = await importFixture('value-name.json', 'value-name');
    expect(result.code).toBe(0);
    const instrument = loadInstrumentFile(ws.file('value-name.json'));
    const env = openEnv({ instruments: createInstrumentRegistry([instrument]) });
    const [link] = seedFielding(env, { instrument: 'value-name' });
    const answers = {
      'size of office': 'Medium',
      'charges filed in 2018': [{ statute: '18 USC 1591', felony: 'Yes' }],
    };
    await postComplete(env.app, tokenOf(link as NonNullable<typeof link>), { answers, revision: 0 }).expect(200);

    const out = path.join(env.dir, 'export');
    await exportFielding(
      { repos: createRepos(env.db), instruments: env.instruments, clock: env.clock },
      {
        fielding: 'pilot',
        out,
        formats: ['csv'],
        completesOnly: false,
        public: false,
        includeFreeText: true,
        actor: 'test',
      },
    );

    const main = csvObjects(path.join(out, 'data.csv'));
    const charges = csvObjects(path.join(out, 'data_charges_filed.csv'));
    expect(main[0]).toMatchObject({ office_size: '2' });
    expect(charges).toEqual([expect.objectContaining({ charges_filed_n: '1', charges_filed_felony: '1' })]);
  });
});

describe('fieldkit instruments import: answers inside the definition', () => {
  it('reads a file question’s defaultValue ({name, type, content}) as an answer, not as a question', async () => {
    const { result } = await importFixture('file-default.json', 'file-default');
    expect(result.code).toBe(1);
    expect(result.err.split('\n').slice(1)).toEqual([
      'file-default.json: question "policy_manual": type "file" is not supported: file uploads are not accepted: a survey dataset holds answers, not documents; ask for the information as text or choices [type]',
    ]);
  });

  it('imports a matrix and a repeating panel whose default rows have keys called name and type, without warnings', async () => {
    const { ws, result } = await importFixture('default-values.json', 'default-values');
    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: '' });
    expect((await ws.run('instruments', 'check', 'default-values.json')).code).toBe(0);
  });
});

describe('fieldkit instruments import: variables the host app sets', () => {
  type HostFile = { meta: { hostVariables?: Record<string, unknown> } };
  const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as HostFile;

  it('lists the undeclared variables, writes a declaration to fill in, and the check refuses it until filled in', async () => {
    const { ws, result } = await importFixture('host-variables.json', 'host-variables');
    expect(result.code).toBe(0);
    expect(result.err).toContain('the expressions read {source}, {profile.givenName}, which no question sets');
    expect(readJson(ws.file('host-variables.json')).meta.hostVariables).toEqual({
      source: null,
      'profile.givenName': null,
    });
    const check = await ws.run('instruments', 'check', 'host-variables.json');
    expect(check.code).toBe(1);
    expect(check.err).toContain('meta.hostVariables["source"] is not filled in');
  });

  it('gives the declared values (a constant, a frame column) to the respondent’s model and to the server’s validation', async () => {
    const { ws } = await importFixture('host-variables.json', 'host-variables');
    const file = readJson(ws.file('host-variables.json'));
    file.meta.hostVariables = { source: { constant: 'letter' }, 'profile.givenName': { frame: 'chief_first_name' } };
    writeFileSync(ws.file('host-variables.json'), JSON.stringify(file));
    expect((await ws.run('instruments', 'check', 'host-variables.json')).code).toBe(0);

    const instrument = loadInstrumentFile(ws.file('host-variables.json'));
    const env = openEnv({ instruments: createInstrumentRegistry([instrument]) });
    const [link] = seedFielding(env, {
      instrument: 'host-variables',
      rows: [frameRow(1, { chief_first_name: 'Ann' })],
    });
    const token = tokenOf(link as NonNullable<typeof link>);

    const opened = await request(env.app).get(`/api/respond/${token}`).expect(200);
    expect(opened.body.instrument.variables).toEqual({ source: 'letter', profile: { givenName: 'Ann' } });
    const model = buildSurveyModel(opened.body);
    expect(model.getQuestionByName('heard_from').isVisible).toBe(true);
    expect(model.getQuestionByName('chief_confirm').isVisible).toBe(true);

    // Shown by {source} = 'letter' and required: the server sees it shown too.
    const missing = await postComplete(env.app, token, { answers: { chief_confirm: 'Ann' }, revision: 0 }).expect(422);
    expect(Object.keys(missing.body.error.details.questions)).toEqual(['heard_from']);
    await postComplete(env.app, token, { answers: { heard_from: 'yes', chief_confirm: 'Ann' }, revision: 0 }).expect(
      200,
    );
    // Shown by {profile.givenName}: kept at completion, not cleared as hidden.
    const stored = env.db.prepare('SELECT answers FROM responses').pluck().get() as string;
    expect(JSON.parse(stored)).toEqual({ heard_from: 'yes', chief_confirm: 'Ann' });
  });
});
