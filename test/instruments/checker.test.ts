import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../server/cli.js';
import { type CheckRule, checkInstrument, formatProblem } from '../../server/instruments/checker.js';
import { InstrumentError, loadInstrumentFile } from '../../server/instruments/registry.js';
import { renderableSurvey } from '../../server/instruments/sanitize.js';
import { projectRoot } from '../../server/platform/paths.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'instruments');
const BROKEN = path.join(FIXTURES, 'broken');
const GOOD = path.join(FIXTURES, 'good');
const WARNED = path.join(FIXTURES, 'warned');
const SHIPPED = path.join(projectRoot, 'instruments');

const SHIPPED_INSTRUMENTS = [
  'tip-prosecutor-survey.json',
  'cs-prosecutor-interview.json',
  'cs-law-enforcement-interview.json',
  'cs-victim-services-interview.json',
  'cs-case-file-abstraction.json',
  'cs-case-file-abstraction-2.json',
];

/**
 * Every rule the checker has. `satisfies` makes the compiler refuse this list when a rule is added
 * to CheckRule and not here, so the corpus-completeness test below cannot go stale silently.
 */
const EVERY_RULE = {
  meta: true,
  surveyjs: true,
  type: true,
  name: true,
  'duplicate-name': true,
  column: true,
  'choice-code': true,
  'reserved-code': true,
  expression: true,
  'exclusive-none': true,
  variables: true,
  html: true,
} as const satisfies Record<CheckRule, true>;

type Expectation = {
  rule: CheckRule;
  /** The question the problem must name; absent for problems of the whole file. */
  question?: string;
  /** SurveyJS cannot load the element either, so its own jsonErrors message comes too. */
  surveyjsToo?: true;
};

/** What each broken fixture is broken by, written down from the issue, not read off the checker. */
const BROKEN_FIXTURES: Record<string, Expectation> = {
  'meta-missing-mode.json': { rule: 'meta' },
  'meta-consent-unknown-question.json': { rule: 'meta' },
  'type-unsupported.json': { rule: 'type', question: 'signature' },
  'type-unknown.json': { rule: 'type', question: 'priorities', surveyjsToo: true },
  'type-unsupported-in-repeating-panel.json': { rule: 'type', question: 'def_signature' },
  'type-unsupported-matrix-cell.json': { rule: 'type', question: 'case_docs' },
  'name-uppercase.json': { rule: 'name', question: 'OfficeName' },
  'name-too-long.json': { rule: 'name', question: 'number_of_trafficking_cases_in_2018' },
  'name-duplicate.json': { rule: 'duplicate-name', question: 'office_label' },
  'column-too-long.json': { rule: 'column', question: 'services_referred_by_prosecutor' },
  'column-too-long-grid.json': { rule: 'column', question: 'cases_by_year' },
  'column-collision.json': { rule: 'column', question: 'charges_1' },
  'column-collision-grid.json': { rule: 'column', question: 'cases_2018' },
  'column-collision-key.json': { rule: 'column', question: 'case_id' },
  'column-invalid-row.json': { rule: 'column', question: 'agree' },
  'choice-code-string.json': { rule: 'choice-code', question: 'has_unit' },
  'choice-code-fraction.json': { rule: 'choice-code', question: 'office_size' },
  'choice-code-matrix-shared-choices.json': { rule: 'choice-code', question: 'training' },
  'choice-code-boolean-value.json': { rule: 'choice-code', question: 'has_unit' },
  'choice-showotheritem.json': { rule: 'choice-code', question: 'office_type' },
  'choice-shownoneitem.json': { rule: 'choice-code', question: 'units' },
  'reserved-code-minus7-mislabelled.json': { rule: 'reserved-code', question: 'has_unit' },
  'reserved-code-minus9.json': { rule: 'reserved-code', question: 'has_unit' },
  'reserved-code-in-multiselect.json': { rule: 'reserved-code', question: 'units' },
  'expression-unknown-question.json': { rule: 'expression', question: 'unit_size' },
  'expression-unknown-in-requiredif.json': { rule: 'expression', question: 'unit_size' },
  'expression-unknown-in-trigger.json': { rule: 'expression' },
  'exclusive-none-missing.json': { rule: 'exclusive-none', question: 'units' },
  'variables-missing-code.json': { rule: 'variables', question: 'has_unit' },
  'html-markup-in-meta-title.json': { rule: 'html' },
};

/**
 * Files that load but warn: SurveyJS ignores properties it does not know, and markup outside the
 * allow-list is removed when the survey is served (renderableSurvey), so neither stops an
 * instrument written elsewhere. Each must still be reported, naming the question.
 */
const WARNED_FIXTURES: Record<string, Expectation> = {
  'surveyjs-unknown-property.json': { rule: 'surveyjs' },
  'html-question-script.json': { rule: 'html', question: 'intro' },
  'html-completedhtml.json': { rule: 'html' },
  'html-markup-in-title.json': { rule: 'html', question: 'office_label' },
  'html-javascript-link.json': { rule: 'html', question: 'office_label' },
};

/** The one broken fixture that is not JSON at all: a doubled comma after meta.title. */
const JSON_SYNTAX_FIXTURE = { file: 'json-syntax.json', line: 5, column: 37 };

const GOOD_FIXTURES = [
  'minimal.json',
  'html-allowed.json',
  'repeating-panel.json',
  'repeating-panel-two-entries.json',
  'matrix-row-reference.json',
];

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const jsonFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
const brokenCases = Object.entries(BROKEN_FIXTURES).map(
  ([file, e]) => [file, e.rule, e.question ?? '(none)', e] as const,
);

/** The InstrumentError message loading the file throws, as `fieldkit instruments check` prints it. */
function loadError(file: string): string {
  try {
    loadInstrumentFile(file);
  } catch (err) {
    if (err instanceof InstrumentError) return err.message;
    throw err;
  }
  throw new Error(`expected ${path.basename(file)} to be refused`);
}

/** `fieldkit instruments check <files>` run in process, with a data folder that has no database. */
async function runCheck(files: string[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fieldkit-check-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['instruments', 'check', ...files], {
    env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    cwd: dataDir,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('checkInstrument on fixtures that load with a warning', () => {
  it.each(Object.entries(WARNED_FIXTURES))('%s loads, and its check warns with the %s rule', (file, expected) => {
    const problems = checkInstrument(readJson(path.join(WARNED, file)));
    const instrument = loadInstrumentFile(path.join(WARNED, file));

    expect(problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(problems.map((p) => ({ rule: p.rule, question: p.question ?? null }))).toContainEqual({
      rule: expected.rule,
      question: expected.question ?? null,
    });
    expect(
      instrument.warnings?.some((w) => w.startsWith(`${file}: warning: `) && w.endsWith(`[${expected.rule}]`)),
    ).toBe(true);
  });

  it('serves the survey with refused markup removed and allowed markup kept', () => {
    const script = readJson(path.join(WARNED, 'html-question-script.json')) as { survey: unknown };
    const link = readJson(path.join(WARNED, 'html-javascript-link.json')) as { survey: unknown };

    const served = JSON.stringify([renderableSurvey(script.survey), renderableSurvey(link.survey)]);

    expect(served).not.toMatch(/<script|javascript:|onclick|<span/i);
    expect(
      JSON.stringify(
        renderableSurvey({ html: '<p>Read <a href="https://x.example/">this</a><script>x()</script></p>' }),
      ),
    ).toBe(JSON.stringify({ html: '<p>Read <a href="https://x.example/">this</a></p>' }));
  });
});

describe('checkInstrument on the broken fixture corpus (one defect per file)', () => {
  it.each(brokenCases)('%s reports the %s rule, naming question %s', (file, rule, _question, expected) => {
    const problems = checkInstrument(readJson(path.join(BROKEN, file)));

    expect(problems.map((p) => ({ rule: p.rule, question: p.question ?? null }))).toContainEqual({
      rule,
      question: expected.question ?? null,
    });
  });

  it.each(brokenCases)('%s reports no rule but %s', (file, rule, _question, expected) => {
    const problems = checkInstrument(readJson(path.join(BROKEN, file)));

    const reported = new Set(problems.map((p) => p.rule));
    expect([...reported].sort()).toEqual(expected.surveyjsToo ? [rule, 'surveyjs'].sort() : [rule]);
  });

  it.each(brokenCases)(
    '%s is refused on load with a line naming the file, the question and the rule',
    (file, rule, _question, expected) => {
      const problem = checkInstrument(readJson(path.join(BROKEN, file))).find(
        (p) => p.rule === rule && p.question === expected.question,
      );

      const lines = loadError(path.join(BROKEN, file)).split('\n');

      if (!problem) throw new Error(`no ${rule} problem naming ${expected.question ?? 'no question'} in ${file}`);
      const printed = formatProblem(file, problem);
      expect(lines).toContain(printed);
      expect(lines.every((line) => line.startsWith(`${file}: `))).toBe(true);
      expect(printed.startsWith(`${file}: ${expected.question ? `question "${expected.question}": ` : ''}`)).toBe(true);
      expect(printed.endsWith(`[${rule}]`)).toBe(true);
    },
  );

  it('json-syntax.json is refused on load with file:line:column of the doubled comma', () => {
    const { file, line, column } = JSON_SYNTAX_FIXTURE;
    const text = readFileSync(path.join(BROKEN, file), 'utf8');

    expect(text.split('\n')[line - 1]?.[column - 1]).toBe(',');
    expect(loadError(path.join(BROKEN, file))).toMatch(
      new RegExp(`^json-syntax\\.json:${line}:${column}: not valid JSON`),
    );
  });
});

describe('checkInstrument on instruments that must pass', () => {
  it.each(GOOD_FIXTURES)('the good fixture %s has no problems', (file) => {
    expect(checkInstrument(readJson(path.join(GOOD, file)))).toEqual([]);
  });

  it.each(SHIPPED_INSTRUMENTS)('the shipped instrument %s has no problems', (file) => {
    expect(checkInstrument(readJson(path.join(SHIPPED, file)))).toEqual([]);
  });
});

describe('the fixture corpus', () => {
  it('has an expectation for every file in broken/ and a file for every expectation', () => {
    expect(jsonFiles(BROKEN)).toEqual([...Object.keys(BROKEN_FIXTURES), JSON_SYNTAX_FIXTURE.file].sort());
  });

  it('lists every file in good/', () => {
    expect(jsonFiles(GOOD)).toEqual([...GOOD_FIXTURES].sort());
  });

  it('breaks or warns about every rule of CheckRule in at least one fixture', () => {
    const intended = new Set([...Object.values(BROKEN_FIXTURES), ...Object.values(WARNED_FIXTURES)].map((e) => e.rule));

    expect(Object.keys(EVERY_RULE).filter((rule) => !intended.has(rule as CheckRule))).toEqual([]);
  });

  it('is otherwise-valid instrument files: every one that parses has meta and survey', () => {
    for (const file of Object.keys(BROKEN_FIXTURES)) {
      expect(Object.keys(readJson(path.join(BROKEN, file)) as object), file).toEqual(['meta', 'survey']);
    }
  });
});

describe('fieldkit instruments check', () => {
  it('passes on the six shipped instrument files, printing one ok line for each', async () => {
    const result = await runCheck(SHIPPED_INSTRUMENTS.map((f) => path.join(SHIPPED, f)));

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out.split('\n').map((line) => line.match(/\(([^)]+)\)$/)?.[1])).toEqual(SHIPPED_INSTRUMENTS);
  });

  it('passes on the good fixtures', async () => {
    const result = await runCheck(GOOD_FIXTURES.map((f) => path.join(GOOD, f)));

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });

  it('fails on the broken corpus, accepting none of its files and naming every one', async () => {
    const files = jsonFiles(BROKEN);

    const result = await runCheck(files.map((f) => path.join(BROKEN, f)));

    expect(result.code).toBe(1);
    expect(result.out.split('\n').filter(Boolean)).toEqual([]);
    const named = new Set(result.err.split('\n').map((line) => line.replace(/^fieldkit: /, '').split(':')[0]));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
  });
});
