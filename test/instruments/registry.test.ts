import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  InstrumentError,
  type InstrumentRegistry,
  lineAndColumn,
  loadInstruments,
} from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';

type Json = Record<string, unknown>;

/**
 * The smallest instrument that loads: a consent question, one prefilled question and one more.
 * Built fresh on every call so a test can break any part of it.
 */
function miniInstrument(options: { meta?: Json; elements?: Json[]; survey?: Json } = {}): { meta: Json; survey: Json } {
  return {
    meta: {
      id: 'mini-survey',
      version: '1.0.0',
      title: 'A small survey',
      mode: 'self',
      referencePeriod: 'Calendar year 2018',
      estimatedMinutes: 5,
      consent: { question: 'consent', declineValue: 2 },
      prefill: { office_state: { column: 'state', transform: 'text' } },
      ...options.meta,
    },
    survey: {
      pages: [
        {
          name: 'only_page',
          elements: options.elements ?? [
            { type: 'radiogroup', name: 'consent', choices: [1, 2] },
            { type: 'text', name: 'office_state' },
            { type: 'comment', name: 'remarks' },
          ],
        },
      ],
      ...options.survey,
    },
  };
}

const pretty = (json: unknown) => `${JSON.stringify(json, null, 2)}\n`;

/** A temporary instruments folder with the given files (objects are written as pretty JSON). */
function instrumentsFolder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-instruments-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : pretty(content));
  }
  return dir;
}

/** The message of the InstrumentError that loading the folder throws. */
function loadError(dir: string): string {
  try {
    loadInstruments(dir);
  } catch (err) {
    if (err instanceof InstrumentError) return err.message;
    throw err;
  }
  throw new Error('expected the folder to be refused');
}

describe('loadInstruments', () => {
  describe('the shipped instruments folder', () => {
    it('loads, and resolves an id to its highest version and id@version exactly', () => {
      const registry = loadInstruments(path.join(projectRoot, 'instruments'));
      const versions = registry
        .all()
        .filter((i) => i.meta.id === 'tip-prosecutor-survey')
        .map((i) => i.meta.version);
      const highest = [...versions].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];

      const latest = registry.resolve('tip-prosecutor-survey');

      expect(latest?.key).toBe(`tip-prosecutor-survey@${highest}`);
      expect(latest?.meta.consent?.question).toBe('consent');
      expect(registry.resolve('tip-prosecutor-survey@1.0.0')?.key).toBe('tip-prosecutor-survey@1.0.0');
      expect(registry.get('tip-prosecutor-survey', '1.0.0')?.meta.title).toMatch(/trafficking in persons/);
      expect(registry.resolve('tip-prosecutor-survey@9.9.9')).toBeUndefined();
      expect(registry.resolve('no-such-survey')).toBeUndefined();
    });
  });

  describe('a folder of good files', () => {
    it('resolves by numeric version order, not text order (1.10 after 1.9)', () => {
      const dir = instrumentsFolder({
        'mini-1.9.json': miniInstrument({ meta: { version: '1.9' } }),
        'mini-1.10.json': miniInstrument({ meta: { version: '1.10' } }),
        'mini-1.2.json': miniInstrument({ meta: { version: '1.2' } }),
      });

      const registry: InstrumentRegistry = loadInstruments(dir);

      expect(registry.all().map((i) => i.key)).toHaveLength(3);
      expect(registry.resolve('mini-survey')?.key).toBe('mini-survey@1.10');
      expect(registry.resolve('mini-survey@1.9')?.key).toBe('mini-survey@1.9');
    });

    it('reads the meta with its defaults: a file without prefill (as import writes it) prefills nothing', () => {
      const { prefill: _omitted, ...meta } = miniInstrument().meta;
      const dir = instrumentsFolder({ 'mini.json': { ...miniInstrument(), meta } });

      const loaded = loadInstruments(dir).resolve('mini-survey');

      expect(loaded?.meta.prefill).toEqual({});
    });

    it('keeps the file path, the survey as written and a SHA-256 content hash', () => {
      const instrument = miniInstrument();
      const dir = instrumentsFolder({ 'mini.json': instrument, 'notes.txt': 'ignored: not JSON' });

      const [loaded] = loadInstruments(dir).all();

      expect(loaded).toMatchObject({ key: 'mini-survey@1.0.0', file: path.join(dir, 'mini.json') });
      expect(loaded?.survey).toEqual(instrument.survey);
      expect(loaded?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('a file as `fieldkit instruments import` writes it', () => {
    it('loads with no prefill when meta.prefill is absent, and a prefill rule without a transform takes text', () => {
      const { prefill: _, ...imported } = miniInstrument().meta;
      const dir = instrumentsFolder({
        'imported.json': { ...miniInstrument(), meta: { ...imported, id: 'imported' } },
        'mini.json': miniInstrument({ meta: { prefill: { office_state: { column: 'state' } } } }),
      });

      const registry = loadInstruments(dir);

      expect(registry.resolve('imported')?.meta.prefill).toEqual({});
      expect(registry.resolve('mini-survey')?.meta.prefill).toEqual({
        office_state: { column: 'state', transform: 'text' },
      });
    });
  });

  describe('refuses to start, naming the file and the problem, when', () => {
    it('a file has a JSON syntax error (with :line:column of the error)', () => {
      const text = pretty(miniInstrument()).replace('"title": "A small survey",', '"title": "A small survey",,');
      const dir = instrumentsFolder({ 'good.json': miniInstrument({ meta: { id: 'good-one' } }), 'broken.json': text });

      const message = loadError(dir);

      // The doubled comma: line 5 of the file, the second comma in column 31.
      expect(text.split('\n')[4]).toBe('    "title": "A small survey",,');
      expect(message).toMatch(/^broken\.json:5:31: not valid JSON/);
      expect(message).not.toContain('good.json');
    });

    it('a file has a misspelt literal (tru for true), still with :line:column', () => {
      const text = pretty(miniInstrument({ survey: { showProgressBar: true } })).replace(
        '"showProgressBar": true',
        '"showProgressBar": tru',
      );
      const line = text.split('\n').findIndex((l) => l.includes('tru')) + 1;
      const dir = instrumentsFolder({ 'literal.json': text });

      expect(loadError(dir)).toMatch(new RegExp(`^literal\\.json:${line}:\\d+: not valid JSON`));
    });

    it('a file is cut off right after a property name, still with :line:column', () => {
      const full = pretty(miniInstrument());
      const text = full.slice(0, full.indexOf('"title": ') + '"title": '.length);
      const dir = instrumentsFolder({ 'truncated.json': text });

      expect(text.split('\n')).toHaveLength(5);
      expect(loadError(dir)).toMatch(/^truncated\.json:5:\d+: not valid JSON/);
    });

    it.each([
      ['id', { id: 'Mini Survey' }, 'meta.id must be 2 to 64 lowercase letters, digits and dashes'],
      ['version', { version: 'v1' }, 'meta.version must be a version number such as "1", "1.2" or "1.2.3".'],
      ['mode', { mode: 'mail' }, 'meta.mode must be "self" (respondents answer online) or "interviewer"'],
      ['estimatedMinutes', { estimatedMinutes: 0 }, 'meta.estimatedMinutes, when given, must be a whole number'],
      ['title', { title: undefined }, "meta.title must be the instrument's title, as text."],
      ['consent', { consent: { question: 'consent' } }, 'meta.consent, when given, must be {"question"'],
    ])('meta.%s is missing or invalid: a plain sentence naming the field and the fix', (_field, meta, expected) => {
      const dir = instrumentsFolder({ 'mini.json': miniInstrument({ meta }) });

      expect(loadError(dir)).toContain(`mini.json: ${expected}`);
    });

    it('reports metadata and survey problems of one file in one run', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({
          meta: { version: 'v1', mode: 'mail' },
          elements: [
            { type: 'radiogroup', name: 'consent', choices: [1, 2] },
            { type: 'text', name: 'office_state' },
            { type: 'ranking2', name: 'priorities', choices: ['a', 'b'] },
          ],
        }),
      });

      const message = loadError(dir);

      expect(message).toContain('mini.json: meta.version must be');
      expect(message).toContain('mini.json: meta.mode must be');
      expect(message).toContain('mini.json: question "priorities": type "ranking2" is not supported');
    });

    it('the file has no meta at all', () => {
      const dir = instrumentsFolder({ 'bare.json': { survey: miniInstrument().survey } });

      expect(loadError(dir)).toMatch(/^bare\.json: The file needs a "meta" object beside "survey"/);
    });

    it('a question has a type SurveyJS does not know ("ranking2")', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({
          elements: [
            { type: 'radiogroup', name: 'consent', choices: [1, 2] },
            { type: 'text', name: 'office_state' },
            { type: 'ranking2', name: 'priorities', choices: ['a', 'b'] },
          ],
        }),
      });

      expect(loadError(dir)).toContain(
        'mini.json: question "priorities": type "ranking2" is not supported: SurveyJS does not know it either (a typo?) [type]',
      );
    });

    it('a question has a SurveyJS type the platform cannot store or export ("signaturepad")', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({
          elements: [
            { type: 'radiogroup', name: 'consent', choices: [1, 2] },
            { type: 'text', name: 'office_state' },
            { type: 'signaturepad', name: 'signature' },
          ],
        }),
      });

      expect(loadError(dir)).toContain('mini.json: question "signature": type "signaturepad" is not supported');
    });

    it('a question nested in a panel has an unsupported type', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({
          elements: [
            { type: 'radiogroup', name: 'consent', choices: [1, 2] },
            { type: 'text', name: 'office_state' },
            { type: 'panel', name: 'details', elements: [{ type: 'file', name: 'upload' }] },
          ],
        }),
      });

      expect(loadError(dir)).toContain(
        'question "upload": type "file" is not supported: file uploads are not accepted',
      );
    });

    it('SurveyJS reports a JSON error (an unknown property): the instrument loads with a warning, as SurveyJS ignores it', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({
          elements: [
            { type: 'radiogroup', name: 'consent', choices: [1, 2] },
            { type: 'text', name: 'office_state', colour: 'red' },
          ],
        }),
      });

      const registry = loadInstruments(dir);

      expect(registry.all()[0]?.warnings).toContain(
        "mini.json: warning: Unknown property in class 'text': 'colour'. SurveyJS ignores it. [surveyjs]",
      );
    });

    it('meta.consent names a question that does not exist', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({ meta: { consent: { question: 'agree', declineValue: 2 } } }),
      });

      expect(loadError(dir)).toContain('mini.json: meta.consent.question "agree" is not a question of the survey');
    });

    it('meta.prefill names a question that does not exist', () => {
      const dir = instrumentsFolder({
        'mini.json': miniInstrument({ meta: { prefill: { office_pop: { column: 'population' } } } }),
      });

      expect(loadError(dir)).toContain(
        'mini.json: meta.prefill names "office_pop", which is not a question of the survey',
      );
    });

    it('two files define the same id@version', () => {
      const dir = instrumentsFolder({ 'a.json': miniInstrument(), 'b.json': miniInstrument() });

      expect(loadError(dir)).toBe('b.json: mini-survey@1.0.0 is also defined in a.json');
    });

    it('several files are broken: every one is named, not only the first', () => {
      const dir = instrumentsFolder({
        'one.json': miniInstrument({ meta: { mode: 'mail' } }),
        'two.json': '{ "meta": ',
      });

      const message = loadError(dir);

      expect(message).toMatch(/^one\.json: meta\.mode must be /m);
      expect(message).toMatch(/^two\.json(:\d+:\d+)?: not valid JSON/m);
    });

    it('the folder has no instrument files', () => {
      const dir = instrumentsFolder({ 'README.md': '# nothing here' });

      expect(loadError(dir)).toBe(`No instrument files (*.json) in ${dir}`);
    });

    it('the folder does not exist', () => {
      const dir = path.join(instrumentsFolder({}), 'missing');

      expect(loadError(dir)).toBe(`Cannot read the instruments folder ${dir}`);
    });
  });
});

describe('lineAndColumn', () => {
  const text = 'first\nsecond line\n\nfourth';

  it.each([
    [0, 1, 1],
    [4, 1, 5],
    [5, 1, 6], // the line break itself still belongs to line 1
    [6, 2, 1],
    [12, 2, 7],
    [18, 3, 1],
    [19, 4, 1],
    [24, 4, 6],
  ])('puts offset %i at line %i, column %i (both counted from 1)', (offset, line, column) => {
    expect(lineAndColumn(text, offset)).toEqual({ line, column });
  });

  it('counts a Windows line ending as one line break', () => {
    expect(lineAndColumn('{\r\n  "a": 1,,\r\n}', 12)).toEqual({ line: 2, column: 10 });
  });
});
