import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workspace } from './workspace.js';

/** A survey as SurveyJS Creator writes it: names with spaces and capitals, text choice values. */
const creatorSurvey = (choices: unknown[] = ['item1', 'item2', 'item3']) => ({
  title: { default: 'Staff <b>survey</b>', de: 'Personalumfrage' },
  pages: [
    {
      name: 'page1',
      elements: [
        { type: 'radiogroup', name: 'Office Type', choices },
        { type: 'checkbox', name: 'question2', choices: [1, 2, 'other value'] },
        { type: 'boolean', name: 'Has Unit?' },
        { type: 'text', name: 'office_type' },
      ],
    },
  ],
});

type InstrumentJson = {
  meta: {
    id: string;
    version: string;
    title: string;
    variables: Record<string, { name: string; codes?: { value: unknown; code: number }[] }>;
  };
};

describe('fieldkit instruments import', () => {
  it('wraps a plain SurveyJS JSON into an instrument with a variable map, and the result passes the check', async () => {
    const ws = workspace();
    writeFileSync(ws.file('creator.json'), JSON.stringify(creatorSurvey()));

    const result = await ws.run('instruments', 'import', 'creator.json', '--id', 'staff-survey', '--out', 'staff.json');
    const file = JSON.parse(readFileSync(ws.file('staff.json'), 'utf8')) as InstrumentJson;
    const check = await ws.run('instruments', 'check', 'staff.json');

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Imported creator\.json as staff-survey@1: .*2 variable name\(s\) derived/);
    expect(file.meta).toMatchObject({ id: 'staff-survey', version: '1', title: 'Staff survey', mode: 'self' });
    expect(file.meta.variables).toEqual({
      // "office_type" is taken by the question of that name, so the derived name gets a suffix.
      'Office Type': {
        name: 'office_type_2',
        codes: [
          { value: 'item1', code: 1 },
          { value: 'item2', code: 2 },
          { value: 'item3', code: 3 },
        ],
      },
      question2: {
        name: 'question2',
        codes: [
          { value: 1, code: 1 },
          { value: 2, code: 2 },
          { value: 'other value', code: 3 },
        ],
      },
      'Has Unit?': {
        name: 'has_unit',
        codes: [
          { value: true, code: 1 },
          { value: false, code: 0 },
        ],
      },
      office_type: { name: 'office_type' },
    });
    expect(check).toMatchObject({ code: 0 });
    expect(check.out).toMatch(/^ok {2}staff-survey@1 /);
  });

  it('keeps every name and code of the previous version: new choices get new codes, a removed code is never reused', async () => {
    const ws = workspace();
    writeFileSync(ws.file('v1.json'), JSON.stringify(creatorSurvey()));
    await ws.run('instruments', 'import', 'v1.json', '--id', 'staff-survey', '--out', 'staff-1.json');
    writeFileSync(ws.file('v2.json'), JSON.stringify(creatorSurvey(['item1', 'item3', 'item4'])));

    const result = await ws.run(
      'instruments',
      'import',
      'v2.json',
      '--previous',
      'staff-1.json',
      '--out',
      'staff-2.json',
    );
    const file = JSON.parse(readFileSync(ws.file('staff-2.json'), 'utf8')) as InstrumentJson;
    const both = await ws.run('instruments', 'check', 'staff-1.json', 'staff-2.json');

    expect(result.code).toBe(0);
    expect(file.meta.version).toBe('2');
    expect(file.meta.variables['Office Type']).toEqual({
      name: 'office_type_2',
      codes: [
        { value: 'item1', code: 1 },
        { value: 'item2', code: 2 },
        { value: 'item3', code: 3 },
        { value: 'item4', code: 4 },
      ],
    });
    expect(both.code).toBe(0);
  });

  it('refuses a later version that renames a variable or recodes a choice, naming both', async () => {
    const ws = workspace();
    writeFileSync(ws.file('v1.json'), JSON.stringify(creatorSurvey()));
    await ws.run('instruments', 'import', 'v1.json', '--id', 'staff-survey', '--out', 'staff-1.json');
    await ws.run('instruments', 'import', 'v1.json', '--previous', 'staff-1.json', '--out', 'staff-2.json');
    const edited = JSON.parse(readFileSync(ws.file('staff-2.json'), 'utf8')) as InstrumentJson;
    edited.meta.variables['Has Unit?'] = {
      name: 'unit',
      codes: [
        { value: true, code: 1 },
        { value: false, code: 2 },
      ],
    };
    writeFileSync(ws.file('staff-2.json'), JSON.stringify(edited));

    const result = await ws.run('instruments', 'check', 'staff-1.json', 'staff-2.json');

    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'staff-2.json: meta.variables renames "Has Unit?" from has_unit to unit: keep the previous name',
    );
    expect(result.err).toContain('gives "Has Unit?" value false the code 2 where the previous version gave 0');
  });

  it('reports every problem of a survey at once and writes nothing', async () => {
    const ws = workspace();
    writeFileSync(
      ws.file('bad.json'),
      JSON.stringify({
        elements: [
          { type: 'text', name: 'age', visibleIf: '{nowhere} = 1' },
          { type: 'ranking2', name: 'order', choices: ['a'] },
        ],
      }),
    );

    const result = await ws.run('instruments', 'import', 'bad.json', '--id', 'bad', '--out', 'bad-instrument.json');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/bad\.json: \d+ problem\(s\); nothing was written/);
    expect(result.err).toContain('question "order": type "ranking2" is not supported');
    // {nowhere} may be a variable a host app set: listed to be declared in meta.hostVariables.
    expect(result.err).toContain('the expressions read {nowhere}, which no question sets');
    expect(existsSync(ws.file('bad-instrument.json'))).toBe(false);
  });

  it('refuses choices loaded from a URL or added by respondents, saying why', async () => {
    const ws = workspace();
    writeFileSync(
      ws.file('dynamic.json'),
      JSON.stringify({
        elements: [
          { type: 'dropdown', name: 'country', choicesByUrl: { url: 'https://example.org/countries' } },
          { type: 'tagbox', name: 'skills', choices: ['a', 'b'], allowCustomChoices: true },
        ],
      }),
    );

    const result = await ws.run('instruments', 'import', 'dynamic.json', '--id', 'dynamic');

    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'question "country": choicesByUrl loads the choices from https://example.org/countries when the survey runs, so no codebook can list them',
    );
    expect(result.err).toContain('question "skills": allowCustomChoices lets respondents add choices of their own');
  });

  it('names the line and column of a JSON syntax error', async () => {
    const ws = workspace();
    writeFileSync(ws.file('broken.json'), '{\n  "elements": [\n    { "type": "text", "name": "a" },,\n  ]\n}\n');

    const result = await ws.run('instruments', 'import', 'broken.json', '--id', 'broken');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^fieldkit: broken\.json:3:\d+: not valid JSON/);
  });
});
