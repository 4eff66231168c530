import { describe, expect, it } from 'vitest';
import { answerShapeErrors, createSurveyModel } from '../../server/instruments/answers.js';
import { clearHiddenAnswers, completionErrors } from '../../server/instruments/completion.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';

/** A small instrument with the question types the Phase I survey does not use. */
const instrument = (elements: unknown[]) =>
  madeUpInstrument('unit-test', [{ name: 'p1', elements: [CONSENT_QUESTION, ...elements] }]);

const yesNo = { type: 'boolean', name: 'closed', valueTrue: 1, valueFalse: 2 };
const defendants = {
  type: 'paneldynamic',
  name: 'defendants',
  maxPanelCount: 3,
  templateElements: [
    { type: 'text', name: 'age', inputType: 'number', min: 10, max: 99 },
    { type: 'dropdown', name: 'disp', choices: [1, 2, 3] },
  ],
};
const withNone = { type: 'dropdown', name: 'agency', choices: [1, 2], showNoneItem: true };

describe('answerShapeErrors', () => {
  it('accepts a boolean only as its coded values', () => {
    const model = createSurveyModel(instrument([yesNo]));
    expect(answerShapeErrors(model, { closed: 1 })).toEqual({});
    expect(answerShapeErrors(model, { closed: true })).toEqual({ closed: ['true is not a yes/no answer'] });
  });

  it('checks every entry of a repeating panel against its template', () => {
    const model = createSurveyModel(instrument([defendants]));
    expect(answerShapeErrors(model, { defendants: [{ age: 30, disp: 1 }, { age: 41 }] })).toEqual({});
    expect(answerShapeErrors(model, { defendants: [{ age: 5 }, { disp: 7 }, { name: 'x' }] })).toEqual({
      defendants: [
        'entry 1, "age": 5 is below the minimum of 10',
        'entry 2, "disp": 7 is not one of the choices',
        'entry 3: "name" is not a question of this entry',
      ],
    });
    expect(answerShapeErrors(model, { defendants: [{}, {}, {}, {}] }).defendants).toEqual([
      'at most 3 entries are allowed',
    ]);
  });

  it('accepts the special "none" item of a dropdown when it is shown', () => {
    const model = createSurveyModel(instrument([withNone]));
    expect(answerShapeErrors(model, { agency: 'none' })).toEqual({});
    expect(answerShapeErrors(model, { agency: 'other' }).agency).toEqual(['"other" is not one of the choices']);
  });

  it('ignores values of calculated questions and rejects comments that are not text', () => {
    const model = createSurveyModel(
      instrument([
        { type: 'expression', name: 'total', expression: '1 + 1' },
        { ...withNone, showCommentArea: true },
      ]),
    );
    // The server computes expressions itself (issue 7): a client's value never fails an autosave.
    expect(answerShapeErrors(model, { total: 2 })).toEqual({});
    expect(answerShapeErrors(model, { 'agency-Comment': 5 }).agency).toEqual(['comment: 5 is not text']);
  });

  it('treats empty values as unanswered rather than wrong', () => {
    const model = createSurveyModel(instrument([yesNo, defendants]));
    expect(answerShapeErrors(model, { closed: null, defendants: undefined, consent: '' })).toEqual({});
  });
});

describe('completionErrors', () => {
  it('reports SurveyJS required-question errors by question name', () => {
    const errors = completionErrors(instrument([{ ...yesNo, isRequired: true }]), { consent: 1 });
    expect(Object.keys(errors)).toEqual(['closed']);
    expect(errors.closed?.[0]).toMatch(/response required/i);
  });

  it('reports a required question inside a repeating panel under the panel', () => {
    const required = {
      ...defendants,
      templateElements: [{ type: 'text', name: 'age', inputType: 'number', isRequired: true }],
    };
    const errors = completionErrors(instrument([required]), { consent: 1, defendants: [{}] });
    expect(Object.keys(errors)).toEqual(['defendants']);
  });
});

describe('clearHiddenAnswers', () => {
  it('drops answers to questions hidden by logic and their comments, keeping the rest', () => {
    const hidden = instrument([
      yesNo,
      { type: 'comment', name: 'why', visibleIf: '{closed} = 1' },
      { ...withNone, visibleIf: '{closed} = 1', showCommentArea: true },
    ]);
    expect(clearHiddenAnswers(hidden, { consent: 1, closed: 2, why: 'x', agency: 1, 'agency-Comment': 'y' })).toEqual({
      consent: 1,
      closed: 2,
    });
    expect(clearHiddenAnswers(hidden, { consent: 1, closed: 1, why: 'x' })).toEqual({
      consent: 1,
      closed: 1,
      why: 'x',
    });
  });

  it('does not change the answers it was given', () => {
    const answers = { consent: 1, closed: 2, why: 'x' };
    clearHiddenAnswers(instrument([yesNo, { type: 'comment', name: 'why', visibleIf: '{closed} = 1' }]), answers);
    expect(answers).toEqual({ consent: 1, closed: 2, why: 'x' });
  });
});

describe('"don\'t know" in counts', () => {
  it('is accepted in a count inside a repeating panel that offers it, and refused where it does not', () => {
    const counted = {
      type: 'paneldynamic',
      name: 'defs',
      templateElements: [
        { type: 'text', name: 'days', inputType: 'number', min: 0, max: 5000, dk: true },
        { type: 'text', name: 'months', inputType: 'number', min: 0, max: 1200 },
      ],
    };
    expect(completionErrors(instrument([counted]), { consent: 1, defs: [{ days: -7 }, { days: 3 }] })).toEqual({});
    expect(completionErrors(instrument([counted]), { consent: 1, defs: [{ months: -7 }] }).defs).toEqual([
      'entry 1, "months": -7 is below the minimum of 0',
    ]);
  });
});
