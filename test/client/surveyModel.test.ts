import '../../server/instruments/extensions.js';
import { Model, type QuestionSelectBase } from 'survey-core';
import { describe, expect, it } from 'vitest';
import {
  applyAnswers,
  buildSurveyModel,
  consentButtonLabeller,
  DECLINE_BUTTON_TEXT,
  describeAnswer,
  isConsentDeclined,
  nameOtherTextBoxes,
  openQuestionPage,
  questionForKey,
  showServerErrors,
  titleForKey,
} from '../../client/respond/surveyModel.js';
import { countsSurvey, openState } from './fixtures.js';

describe('buildSurveyModel', () => {
  it('restores the saved answers and opens the saved page', () => {
    const model = buildSurveyModel(openState({ answers: { consent: 1, a2_years: 4 }, page: 2 }));
    expect(model.data).toEqual({ consent: 1, a2_years: 4 });
    expect(model.currentPageNo).toBe(2);
  });

  it('leaves focus on a new page to its heading even when the instrument asks SurveyJS to focus the first question', () => {
    const base = openState();
    const model = buildSurveyModel({
      ...base,
      instrument: { ...base.instrument, survey: { ...base.instrument.survey, autoFocusFirstQuestion: true } },
    });
    expect(model.autoFocusFirstQuestion).toBe(false);
  });

  it('opens the last page when the saved page no longer exists', () => {
    expect(buildSurveyModel(openState({ page: 9 })).currentPageNo).toBe(2);
    expect(buildSurveyModel(openState({ page: -1 })).currentPageNo).toBe(0);
  });

  it('shows again on resuming the questions a "visible" trigger showed, without a consent question', () => {
    const base = openState();
    const model = buildSurveyModel({
      ...base,
      instrument: {
        ...base.instrument,
        consent: null,
        survey: {
          elements: [
            { type: 'radiogroup', name: 'kind', choices: ['car', 'bike'] },
            { type: 'text', name: 'wheels', visible: false },
          ],
          triggers: [{ type: 'visible', expression: "{kind} = 'car'", questions: ['wheels'] }],
        },
      },
      answers: { kind: 'car', wheels: '4' },
    });

    expect(model.getQuestionByName('wheels').isVisible).toBe(true);
    expect(isConsentDeclined(model, null)).toBe(false);
  });
});

describe('nameOtherTextBoxes', () => {
  const withOther = (otherPlaceholder?: string) =>
    new Model({
      elements: [
        { type: 'radiogroup', name: 'kind', choices: ['item1'], showOtherItem: true, otherPlaceholder },
        { type: 'checkbox', name: 'units', choices: ['item1'], showOtherItem: true, otherText: 'Something else' },
        { type: 'radiogroup', name: 'plain', choices: ['item1'] },
      ],
    });
  const placeholderOf = (model: Model, name: string) =>
    (model.getQuestionByName(name) as QuestionSelectBase).otherPlaceholder;

  it('names an "Other" text box after its choice, so it is never unlabelled', () => {
    const model = withOther();
    nameOtherTextBoxes(model);
    expect(placeholderOf(model, 'kind')).toBe('Other (describe)');
    expect(placeholderOf(model, 'units')).toBe('Something else');
    expect(placeholderOf(model, 'plain')).toBe('');
  });

  it('keeps a placeholder the instrument gives', () => {
    const model = withOther('Which kind?');
    nameOtherTextBoxes(model);
    expect(placeholderOf(model, 'kind')).toBe('Which kind?');
  });
});

describe('applyAnswers', () => {
  it("sets changed answers and removes cleared ones without reporting them as the person's changes", () => {
    const model = buildSurveyModel(openState({ answers: { consent: 1, a2_years: 4, a7_unit: [1] } }));
    let reported = 0;
    model.onValueChanged.add(() => {
      reported += 1;
    });
    applyAnswers(model, { consent: 1, a7_unit: [1, 2], b3_cases: { y2009: { sex: -7 } } });
    expect(model.data).toEqual({ consent: 1, a7_unit: [1, 2], b3_cases: { y2009: { sex: -7 } } });
    expect(model.getQuestionByName('a2_years').isEmpty()).toBe(true);
    expect(reported).toBe(0);
  });
});

describe('questionForKey and titleForKey', () => {
  it('finds the question for an answer key, including "Other" text keys', () => {
    const model = buildSurveyModel(openState());
    expect(questionForKey(model, 'a7_unit-Comment')?.name).toBe('a7_unit');
    expect(titleForKey(model, 'b3_cases')).toBe('Defendants charged');
    expect(titleForKey(model, 'not_a_question')).toBe('not_a_question');
  });
});

describe('describeAnswer', () => {
  it("words a colleague's answer the way the person saw it", () => {
    const model = buildSurveyModel(openState());
    expect(describeAnswer(model, 'consent', 2)).toBe('No');
    expect(describeAnswer(model, 'a7_unit', [1, 2])).toBe('Unit, Designated');
    expect(describeAnswer(model, 'd4_beds', -7)).toBe('Don’t know');
    expect(describeAnswer(model, 'a2_years', 12)).toBe('12');
    expect(describeAnswer(model, 'a2_years', undefined)).toBe('no answer');
  });

  it('gives no short form for grids', () => {
    const model = buildSurveyModel(openState());
    expect(describeAnswer(model, 'b3_cases', { y2009: { sex: 1 } })).toBeNull();
  });
});

describe('isConsentDeclined', () => {
  it("is true only for the instrument's decline value", () => {
    const state = openState({ answers: { consent: 2 } });
    expect(isConsentDeclined(buildSurveyModel(state), state.instrument.consent)).toBe(true);
    expect(isConsentDeclined(buildSurveyModel(openState({ answers: { consent: 1 } })), state.instrument.consent)).toBe(
      false,
    );
  });
});

describe('consentButtonLabeller', () => {
  it('offers Next before a consent choice and the decline after "no", and gives the survey its own labels back after "yes"', () => {
    const survey = {
      completeText: 'Send my answers',
      pages: [
        (countsSurvey().pages as Record<string, unknown>[])[0],
        { name: 'office', visibleIf: '{consent} = 1', elements: [{ type: 'text', name: 'a2_years' }] },
      ],
    };
    const state = openState({ instrument: { ...openState().instrument, survey } });
    const model = buildSurveyModel(state);
    const label = consentButtonLabeller(model, state.instrument.consent);

    label();
    expect(model.isLastPage).toBe(true);
    expect(model.completeText).toBe('Next');

    model.setValue('consent', 2);
    label();
    expect([model.pageNextText, model.completeText]).toEqual([DECLINE_BUTTON_TEXT, DECLINE_BUTTON_TEXT]);

    model.setValue('consent', 1);
    label();
    expect([model.pageNextText, model.completeText]).toEqual(['Next', 'Send my answers']);
    model.nextPage();
    label();
    expect(model.completeText).toBe('Send my answers');
  });
});

describe('showServerErrors', () => {
  it('puts each message on its question and lists them in survey order', () => {
    const model = buildSurveyModel(openState({ page: 0 }));
    const items = showServerErrors(model, {
      b3_cases: ['Enter a whole number for each year.'],
      unknown_key: ['Not a question of this survey.'],
      a2_years: ['Enter a number from 0 to 60.', 'This answer is required.'],
    });
    expect(items.map((item) => item.key)).toEqual(['a2_years', 'b3_cases', 'unknown_key']);
    expect(model.getQuestionByName('a2_years').errors.map((error) => error.getText())).toEqual([
      'Enter a number from 0 to 60.',
      'This answer is required.',
    ]);
    expect(items[2]).toMatchObject({ title: 'unknown_key', question: null });
  });

  it('opens the page of a question so its error can be seen', () => {
    const model = buildSurveyModel(openState({ page: 0 }));
    const [first] = showServerErrors(model, { b3_cases: ['Check this grid.'] });
    expect(first?.question && openQuestionPage(model, first.question)).toBe(true);
    expect(model.currentPageNo).toBe(2);
  });
});

describe('buildSurveyModel locale', () => {
  const survey = {
    pages: [{ name: 'p1', elements: [{ type: 'text', name: 'q1', title: { default: 'Your name', de: 'Ihr Name' } }] }],
  };
  const instrument = openState().instrument;

  it('shows the strings of the locale the server picked', () => {
    const model = buildSurveyModel(openState({ locale: 'de', instrument: { ...instrument, survey } }));
    expect(model.getQuestionByName('q1').processedTitle).toBe('Ihr Name');
  });

  it('keeps the survey’s default strings when the locale is empty', () => {
    const model = buildSurveyModel(openState({ locale: '', instrument: { ...instrument, survey } }));
    expect(model.getQuestionByName('q1').processedTitle).toBe('Your name');
  });
});
