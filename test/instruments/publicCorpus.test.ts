import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.js';
import { createInstrumentRegistry, loadInstrumentFile } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { type Generated, generateAnswers, surveyCoreErrors } from '../factories/generatedAnswers.js';
import { createTestEnv, seedFielding, type TestEnv, tokenOf } from '../support/app.js';

/**
 * "Any SurveyJS instrument", proven on surveys written by others (fixtures/instruments/public):
 * each imports or is refused exactly as the table says, and each imported survey is completed
 * through the API with answers survey-core itself generates and accepts, and refuses bad ones.
 */

const PUBLIC = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'public');
const FILES = readdirSync(PUBLIC)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The import's verdict per file: `true` imports; a list is the exact problem lines of a refusal. */
const EXPECTED_IMPORT: Record<string, true | string[]> = {
  'jspsych-contact-details.json': [
    'jspsych-contact-details.json: question "Country": choicesByUrl loads the choices from https://surveyjs.io/api/CountriesExample when the survey runs, so no codebook can list them: copy the choices into "choices" [type]',
    'jspsych-contact-details.json: question "all-countries": choicesByUrl loads the choices from https://surveyjs.io/api/CountriesExample when the survey runs, so no codebook can list them: copy the choices into "choices" [type]',
  ],
  'jspsych-html-image-video.json': true,
  'jspsych-input-masks.json': true,
  'jspsych-likert-matrix.json': true,
  'jspsych-likes-select-all.json': true,
  'jspsych-my-questionnaire.json': true,
  'jspsych-reference-previous-answers.json': true,
  'jspsych-response-validation.json': true,
  'jspsych-slider-scale.json': true,
  'jspsych-vegetables-conditional.json': true,
  'surveyjs-american-history-quiz.json': [
    'surveyjs-american-history-quiz.json: question "civilwar": the name is used by 4 questions [duplicate-name]',
  ],
  'surveyjs-blood-relatives-paneldynamic.json': true,
  'surveyjs-customer-info-setvalue-trigger.json': true,
  'surveyjs-kids-visibleif.json': true,
  'surveyjs-new-design-all-types.json': [
    'surveyjs-new-design-all-types.json: question "frameworksRate": type "matrix Dropdown" is not supported: SurveyJS does not know it either (a typo?) [type]',
    'surveyjs-new-design-all-types.json: question "signature": type "signaturepad" is not supported: signatures are not accepted: a signature image cannot go into a dataset; ask for consent as a yes/no question [type]',
    'surveyjs-new-design-all-types.json: question "image": type "file" is not supported: file uploads are not accepted: a survey dataset holds answers, not documents; ask for the information as text or choices [type]',
    'surveyjs-new-design-all-types.json: question "name": the name is used by 2 questions [duplicate-name]',
    'surveyjs-new-design-all-types.json: question "total": the name is used by 2 questions [duplicate-name]',
    'surveyjs-new-design-all-types.json: question "suggestions": the name is used by 2 questions [duplicate-name]',
  ],
  'surveyjs-os-complete-trigger.json': true,
  'surveyjs-software-developer-localized.json': true,
  'surveyjs-sport-car-visible-trigger.json': true,
  'surveyjs-standard-validators.json': true,
  'surveyjs-teachers-rating-matrixdynamic.json': true,
};

const IMPORTED = Object.keys(EXPECTED_IMPORT).filter((f) => EXPECTED_IMPORT[f] === true);

/**
 * Imported surveys that generated answers cannot complete, with the reason. Empty: every imported
 * survey of the corpus is completed (a survey whose only values come from `choicesByUrl` has its
 * optional questions left unanswered, as a respondent offline would).
 */
const CANNOT_COMPLETE: Record<string, string> = {};

const idOf = (file: string) => file.replace(/\.json$/, '');

type CliResult = { code: number; out: string; err: string[] };

/** One folder for every import of the run, removed at the end. */
const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-corpus-'));
const cli = async (...argv: string[]): Promise<CliResult> => {
  const out: string[] = [];
  const err: string[] = [];
  const env = { DATA_DIR: dir, PUBLIC_URL: 'https://survey.example.org', LOG_LEVEL: 'silent' };
  const code = await main(argv, { env, cwd: dir, out: (t) => out.push(t), err: (t) => err.push(...t.split('\n')) });
  return { code, out: out.join('\n'), err };
};

const imports = new Map<string, CliResult>();
beforeAll(async () => {
  for (const file of FILES) {
    imports.set(file, await cli('instruments', 'import', path.join(PUBLIC, file), '--id', idOf(file), '--out', file));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fieldkit instruments import of the public corpus', () => {
  it('has an expected outcome for every file in the folder', () => {
    expect(Object.keys(EXPECTED_IMPORT).sort()).toEqual(FILES);
  });

  it.each(FILES)('%s imports or is refused exactly as expected', async (file) => {
    const result = imports.get(file) as CliResult;
    const expected = EXPECTED_IMPORT[file];
    // Warnings (markup, SurveyJS's unknown properties) do not decide the outcome; problems do.
    const problems = result.err.filter((line) => !line.includes(': warning: ') && !line.startsWith('fieldkit: '));
    if (expected === true) {
      expect({ code: result.code, problems }).toEqual({ code: 0, problems: [] });
      expect(result.out).toMatch(new RegExp(`as ${idOf(file)}@1: .*\\nWritten to ${file.replace(/\./g, '\\.')}\\.$`));
      const check = await cli('instruments', 'check', file);
      expect(check.code).toBe(0);
      expect(check.out).toMatch(new RegExp(`^ok {2}${idOf(file)}@1 `));
    } else {
      expect({ code: result.code, problems }).toEqual({ code: 1, problems: expected ?? [] });
      expect(result.err).toContain(
        `fieldkit: ${path.join(PUBLIC, file)}: ${expected?.length} problem(s); nothing was written.`,
      );
    }
  });
});

/** A survey's own test environment: the imported instrument, a two-office fielding, generated answers. */
type SurveyCase = { env: TestEnv; tokens: string[]; generated: Generated };

function openSurvey(file: string): SurveyCase {
  const instrument = loadInstrumentFile(path.join(dir, file));
  const env = createTestEnv({ instruments: createInstrumentRegistry([instrument]) });
  const tokens = seedFielding(env, { instrument: idOf(file), offices: 2 }).map(tokenOf);
  return { env, tokens, generated: generateAnswers(instrument.survey) };
}

const completedAnswers = (env: TestEnv) =>
  (env.db.prepare("SELECT answers FROM responses WHERE status = 'completed'").pluck().all() as string[]).map(
    (a) => JSON.parse(a) as Record<string, unknown>,
  );

/** What survey-core itself keeps at completion: the answers without those hidden by logic. */
function visibleAnswers(generated: Generated): Record<string, unknown> {
  const { model } = generated;
  for (const q of model.getAllQuestions(false, false, false)) {
    if (!q.isEmpty() && !q.isVisibleInSurvey) q.clearValue();
  }
  return structuredClone(model.data);
}

/**
 * One bad answer per question type of the corpus, each sent with the survey's otherwise valid
 * generated answers: [file, question, bad value, status, message]. 422 at completion, 400 as a
 * draft. Expression questions are absent on purpose: a client's value is ignored, never refused.
 */
type BadAnswer = [file: string, question: string, value: unknown, status: 400 | 422, message: RegExp];
const BAD_ANSWERS: BadAnswer[] = [
  ['jspsych-likes-select-all.json', 'vegetablesLike', 'Durian', 422, /"Durian" is not one of the choices/],
  ['jspsych-likes-select-all.json', 'vegetablesLike', 'Durian', 400, /"Durian" is not one of the choices/],
  ['surveyjs-software-developer-localized.json', 'q1', 99, 422, /99 is not one of the choices/],
  ['jspsych-my-questionnaire.json', 'FavAnimals', ['Unicorn'], 422, /"Unicorn" is not one of the choices/],
  ['jspsych-slider-scale.json', 'change-min-max-step', 1100, 422, /outside the slider's range -1000 to 1000/],
  ['jspsych-slider-scale.json', 'change-min-max-step', 150, 400, /not on the slider's steps of 100/],
  ['jspsych-likert-matrix.json', 'like-vegetables', 42, 422, /42 is not one of the rating values/],
  ['jspsych-reference-previous-answers.json', 'animals-ranked', ['Raccoon', 'Raccoon'], 422, /ranked or chosen twice/],
  ['jspsych-reference-previous-answers.json', 'animals-ranked', ['Raccoon'], 422, /every choice shown must be ranked/],
  ['jspsych-response-validation.json', 'yesno', 'Maybe', 422, /"Maybe" is not a yes\/no answer/],
  ['jspsych-response-validation.json', 'yesno', true, 422, /true is not a yes\/no answer/],
  ['jspsych-response-validation.json', 'number', 'abc', 422, /9-digit number/],
  ['jspsych-reference-previous-answers.json', 'birthdate', '2020-02-30', 422, /is not a date/],
  ['jspsych-reference-previous-answers.json', 'birthdate', '2020-02-30', 400, /is not a date/],
  ['surveyjs-customer-info-setvalue-trigger.json', 'email', 'no-at-sign', 422, /valid e-mail/],
  ['jspsych-my-questionnaire.json', 'age', 101, 422, /above the maximum of 100/],
  ['jspsych-input-masks.json', 'phone', '123', 422, /does not fit the input mask/],
  ['jspsych-input-masks.json', 'currency', 'twelve', 422, /is not a number/],
  ['jspsych-likert-matrix.json', 'device-usage', { nowhere: ['phone'] }, 422, /row "nowhere" does not exist/],
  ['jspsych-likert-matrix.json', 'device-usage', { videos: ['fax'] }, 422, /"fax" is not one of the choices/],
  ['surveyjs-teachers-rating-matrixdynamic.json', 'teachersRate', [{ grade: 1 }], 422, /column "grade" does not exist/],
  ['surveyjs-standard-validators.json', 'pricelimit', { cheapest: '10' }, 422, /item "cheapest" does not exist/],
  [
    'surveyjs-standard-validators.json',
    'pricelimit',
    { leastamount: '20000', mostamount: '20' },
    422,
    /at least 10 and at most 10000/,
  ],
  ['surveyjs-standard-validators.json', 'firstcomputer', 'too short', 422, /at least 20 character/],
  ['jspsych-vegetables-conditional.json', 'vegetables-dislike', 5, 422, /5 is not text/],
  ['surveyjs-blood-relatives-paneldynamic.json', 'relatives', [{ relativeType: 'cousin' }], 422, /"cousin" is not one/],
  ['surveyjs-blood-relatives-paneldynamic.json', 'relatives', [{ nickname: 'x' }], 422, /not a question of this entry/],
  ['jspsych-reference-previous-answers.json', 'greetings-name', 'hello', 422, /shows content only/],
  ['jspsych-html-image-video.json', 'monkey', 'a picture', 422, /shows content only/],
];

describe.each(IMPORTED.filter((f) => !(f in CANNOT_COMPLETE)))('completing %s through the API', (file) => {
  let survey: SurveyCase;
  beforeAll(() => {
    survey = openSurvey(file);
  });
  afterAll(() => survey.env.close());

  it('completes with answers survey-core generates and accepts, and stores them as completed', async () => {
    const { env, tokens, generated } = survey;
    expect(surveyCoreErrors(generated.model)).toEqual({});
    const res = await request(env.app)
      .post(`/api/respond/${tokens[0]}/complete`)
      .send({ answers: generated.answers, revision: 0 });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { status: 'completed' } });
    expect(completedAnswers(env)).toEqual([visibleAnswers(generated)]);
  });

  const bad = BAD_ANSWERS.filter(([f]) => f === file).map(([, question, value, status, message]) => ({
    question,
    value,
    status,
    message,
  }));
  it.runIf(bad.length > 0).each(bad)(
    'refuses $value for "$question" with $status, naming the question',
    async ({ question, value, status, message }) => {
      const { env, tokens, generated } = survey;
      const answers = { ...generated.answers, [question]: value };
      const res =
        status === 422
          ? await request(env.app).post(`/api/respond/${tokens[1]}/complete`).send({ answers, revision: 0 })
          : await request(env.app).put(`/api/respond/${tokens[1]}/draft`).send({ answers, page: 0, revision: 0 });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe('invalid_answers');
      expect(Object.keys(res.body.error.details.questions)).toEqual([question]);
      expect(res.body.error.details.questions[question].join(' ')).toMatch(message);
    },
  );
});

it('has a bad-answer case for every question type the imported corpus answers', () => {
  const typeOf = (file: string, question: string) =>
    generateAnswers(loadInstrumentFile(path.join(dir, file)).survey)
      .model.getQuestionByName(question)
      ?.getType();
  const covered = new Set(BAD_ANSWERS.map(([file, question]) => typeOf(file, question)));
  const present = new Set(
    IMPORTED.flatMap((file) =>
      generateAnswers(loadInstrumentFile(path.join(dir, file)).survey)
        .model.getAllQuestions(false, false, false)
        .map((q) => q.getType()),
    ),
  );
  present.delete('expression');
  expect([...present].filter((t) => !covered.has(t))).toEqual([]);
});
