import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildSurveyModel } from '../../client/respond/surveyModel.js';
import { buildCodebook } from '../../server/codebook/build.js';
import { createInstrumentRegistry, loadInstrumentFile } from '../../server/instruments/registry.js';
import { parseCsv } from '../../server/platform/csv.js';
import { projectRoot } from '../../server/platform/paths.js';
import { exportInProcess } from '../factories/export.js';
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
        // Every export adds flag_* columns itself.
        'q_flag_reason',
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
    await exportInProcess(env, { fielding: 'pilot', out, includeFreeText: true });

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

/** A host of its own on loopback serving one PNG at /seal.png; every other path is 404. */
async function imageHost(png: Buffer): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/seal.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('fieldkit instruments import: images of an image picker', () => {
  type Choice = { value: string; imageLink: string };
  const choicesOf = (file: string) =>
    (JSON.parse(readFileSync(file, 'utf8')) as { survey: { pages: { elements: { choices: Choice[] }[] }[] } }).survey
      .pages[0]?.elements[0]?.choices ?? [];

  it('copies the images beside the survey into the instrument as data: URLs', async () => {
    const { ws, result } = await importFixture('images.json', 'images');
    expect(result.code).toBe(0);
    expect(result.out).toContain('2 image(s) copied in');
    const png = readFileSync(fixture('images/courthouse.png')).toString('base64');
    expect(choicesOf(ws.file('images.json'))[0]?.imageLink).toBe(`data:image/png;base64,${png}`);
    expect((await ws.run('instruments', 'check', 'images.json')).code).toBe(0);
  });

  it('copies an image from another host, and refuses one that cannot be read, naming the question, choice and link', async () => {
    const host = await imageHost(readFileSync(fixture('images/storefront.png')));
    const ws = workspace();
    const survey = JSON.parse(readFileSync(fixture('images.json'), 'utf8'));
    survey.pages[0].elements[0].choices[0].imageLink = `${host}/seal.png`;
    writeFileSync(ws.file('remote.json'), JSON.stringify(survey));
    const copied = await ws.run('instruments', 'import', 'remote.json', '--id', 'remote', '--out', 'remote-1.json');
    expect(copied.code).toBe(1);
    // The second choice's file is relative to the survey, which is now elsewhere: it cannot be read.
    expect(copied.err.split('\n').slice(-2)).toEqual([
      'fieldkit: remote.json: 1 image(s) cannot be copied into the instrument; nothing was written.',
      `remote-1.json: question "building": the image of choice "separate", images/storefront.png, cannot be read: there is no file ${ws.file('images/storefront.png')}`,
    ]);

    survey.pages[0].elements[0].choices[1].imageLink = `${host}/missing.png`;
    writeFileSync(ws.file('remote.json'), JSON.stringify(survey));
    const missing = await ws.run('instruments', 'import', 'remote.json', '--id', 'remote', '--out', 'remote-2.json');
    expect(missing.err).toContain(
      `question "building": the image of choice "separate", ${host}/missing.png, cannot be fetched (HTTP 404)`,
    );
    expect(existsSync(ws.file('remote-2.json'))).toBe(false);

    survey.pages[0].elements[0].choices[1].imageLink = `${host}/seal.png`;
    writeFileSync(ws.file('remote.json'), JSON.stringify(survey));
    const ok = await ws.run('instruments', 'import', 'remote.json', '--id', 'remote', '--out', 'remote-3.json');
    expect(ok.code).toBe(0);
    expect(choicesOf(ws.file('remote-3.json')).map((c) => c.imageLink.slice(0, 22))).toEqual([
      'data:image/png;base64,',
      'data:image/png;base64,',
    ]);
  });

  it('never lets an instrument hide the way forward: the respondent model shows next and submit buttons', async () => {
    const { ws } = await importFixture('images.json', 'images');
    const instrument = loadInstrumentFile(ws.file('images.json'));
    const env = openEnv({ instruments: createInstrumentRegistry([instrument]) });
    const [link] = seedFielding(env, { instrument: 'images' });
    const opened = await request(env.app)
      .get(`/api/respond/${tokenOf(link as NonNullable<typeof link>)}`)
      .expect(200);
    expect(opened.body.instrument.survey.showNavigationButtons).toBe('none');
    const model = buildSurveyModel(opened.body);
    expect(model.isNavigationButtonsShowing).toBe('bottom');
    expect(model.showCompleteButton).toBe(true);
  });
});
