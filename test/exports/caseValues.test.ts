import fc from 'fast-check';
import type {
  ItemValue,
  Model,
  Question,
  QuestionMatrixDropdownModel,
  QuestionMatrixModel,
  QuestionMultipleTextModel,
  QuestionSelectBase,
} from 'survey-core';
import { describe, expect, it } from 'vitest';
import { finalDisposition } from '../../server/cases/disposition.js';
import { buildCodebook, type Variable } from '../../server/codebook/build.js';
import { createCaseValues } from '../../server/codebook/caseValues.js';
import { createSurveyModel } from '../../server/instruments/answers.js';
import type { Instrument } from '../../server/instruments/registry.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { mulberry32 } from '../factories/random.js';
import { shippedInstruments } from '../support/app.js';

/** When the answers were saved, on the tests' fake clock. */
const SAVED_AT = new Date('2027-02-01T09:00:00.000Z');

const instrument = shippedInstruments().resolve('tip-prosecutor-survey') as Instrument;
const codebook = buildCodebook(instrument);
/** Read for question definitions only; never given answers. */
const definitions = createSurveyModel(instrument);

/**
 * A random answer set: each question answered with a probability, by a value of its own kind
 * (a choice, a subset of choices, a number in range or -7, rows of a grid, cells, items, text),
 * so logic shows and hides questions in every combination the survey allows.
 */
function randomAnswers(seed: number): Record<string, unknown> {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const number = (q: { getPropertyValue(n: string): unknown }) => {
    if (q.getPropertyValue('dk') === true && random() < 0.15) return -7;
    const min = Number(q.getPropertyValue('min') ?? 0);
    const max = Math.min(Number(q.getPropertyValue('max') ?? 500), min + 500);
    return min + Math.floor(random() * (max - min + 1));
  };
  const answers: Record<string, unknown> = {};
  for (const q of definitions.getAllQuestions(false, false, false)) {
    if (random() < 0.25) continue;
    const choices = () => ((q as QuestionSelectBase).choices as ItemValue[]).map((c) => c.value);
    switch (q.getType()) {
      case 'radiogroup':
      case 'dropdown':
        answers[q.name] = pick(choices());
        break;
      case 'checkbox': {
        const chosen = choices().filter(() => random() < 0.3);
        answers[q.name] = chosen.length > 0 ? chosen : [pick(choices())];
        break;
      }
      case 'text':
        answers[q.name] = (q as { inputType?: string }).inputType === 'number' ? number(q) : `text ${seed}`;
        break;
      case 'comment':
        answers[q.name] = `a comment\nwith a line break ${seed}`;
        break;
      case 'matrix': {
        const m = q as QuestionMatrixModel;
        const columns = (m.columns as ItemValue[]).map((c) => c.value);
        answers[q.name] = Object.fromEntries(
          (m.rows as ItemValue[]).filter(() => random() < 0.8).map((r) => [r.value, pick(columns)]),
        );
        break;
      }
      case 'matrixdropdown': {
        const m = q as QuestionMatrixDropdownModel;
        answers[q.name] = Object.fromEntries(
          (m.rows as ItemValue[]).map((r) => [
            r.value,
            Object.fromEntries(m.columns.filter(() => random() < 0.8).map((c) => [c.name, number(c)])),
          ]),
        );
        break;
      }
      case 'multipletext': {
        const m = q as QuestionMultipleTextModel;
        answers[q.name] = Object.fromEntries(m.items.filter(() => random() < 0.8).map((i) => [i.name, number(i)]));
        break;
      }
    }
  }
  return answers;
}

/** survey-core's own verdict, from a model of its own: is the question behind the variable shown? */
function shownBySurveyCore(model: Model, v: Variable): boolean {
  const q = model.getQuestionByValueName(v.question) as Question | null;
  return Boolean(q?.isVisible && q.isParentVisible && (q.page?.isVisible ?? true));
}

const blank = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

describe('the cells of a case (typed missing codes from the logic)', () => {
  it('on 1,000 random answer sets of the Phase I survey: no blank; -8 exactly where hidden; -9 exactly where shown and empty; every other value a code of the codebook or within its range', () => {
    const values = createCaseValues(instrument, codebook);
    const reference = createSurveyModel(instrument);
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const answers = randomAnswers(seed);
        const { cells } = values.row(answers, SAVED_AT);
        reference.data = answers;
        values.variables.forEach((v, i) => {
          const cell = cells[i];
          const where = `${v.name} (seed ${seed})`;
          expect(cell, where).not.toBe('');
          expect(cell, where).not.toBeUndefined();
          const shown = shownBySurveyCore(reference, v);
          if (!shown) {
            expect(cell, where).toBe(-8);
            return;
          }
          expect(cell, where).not.toBe(-8);
          const answer = answers[v.source.question];
          const source = v.source;
          const part =
            source.kind === 'row' && answer && typeof answer === 'object'
              ? (answer as Record<string, unknown>)[source.row]
              : source.kind === 'item' && answer && typeof answer === 'object'
                ? (answer as Record<string, unknown>)[source.item]
                : source.kind === 'cell' && answer && typeof answer === 'object'
                  ? (answer as Record<string, Record<string, unknown>>)[source.row]?.[source.column]
                  : answer;
          if (blank(part)) {
            expect(cell, where).toBe(-9);
            return;
          }
          if (v.type === 'text' || v.type === 'date') return;
          const codes = [...v.values, ...v.missing].map((c) => c.code);
          if (v.values.length > 0) expect(codes, where).toContain(cell);
          else {
            expect(typeof cell, where).toBe('number');
            if (cell !== -7 && cell !== -6) {
              if (v.range?.min !== undefined) expect(cell as number, where).toBeGreaterThanOrEqual(v.range.min);
              if (v.range?.max !== undefined) expect(cell as number, where).toBeLessThanOrEqual(v.range.max);
            }
          }
        });
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('gives a charged office its codes, dummies and the share of shown questions answered, which set its disposition', () => {
    const values = createCaseValues(instrument, codebook);
    const { cells, pctAnswered } = values.row(chargedOfficeAnswers(), SAVED_AT);
    const byName = Object.fromEntries(values.variables.map((v, i) => [v.name, cells[i]]));

    expect(byName).toMatchObject({ a1_role: 1, a2_years: 12, a7_unit_1: 1, a7_unit_2: 0, a7_unit_3: 1, b2_anycase: 1 });
    expect(pctAnswered).toBeGreaterThan(0.8);
    expect(finalDisposition([{ type: 'token_issued' }, { type: 'completed' }], undefined, pctAnswered).code).toBe(
      '1.1',
    );
  });
});
