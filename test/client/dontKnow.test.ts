import '../../server/instruments/extensions.js';
import { type Question, QuestionMatrixDropdownModel, QuestionMultipleTextModel, type SurveyModel } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { DONT_KNOW_RENDERER, isDontKnow, setDontKnow } from '../../client/respond/dontKnow.js';
import { buildSurveyModel } from '../../client/respond/surveyModel.js';
import { openState } from './fixtures.js';

function question(model: SurveyModel, name: string): Question {
  const found = model.getQuestionByName(name);
  if (!found) throw new Error(`no question ${name}`);
  return found;
}

function matrixCell(model: SurveyModel, row: number, column: number): Question {
  const matrix = question(model, 'b3_cases');
  if (!(matrix instanceof QuestionMatrixDropdownModel)) throw new Error('b3_cases is not a matrix');
  const cell = matrix.visibleRows[row]?.cells[column]?.question;
  if (!cell) throw new Error('no such cell');
  return cell;
}

function itemEditor(model: SurveyModel, index: number): Question {
  const multiple = question(model, 'a6_staff');
  if (!(multiple instanceof QuestionMultipleTextModel)) throw new Error('a6_staff is not multipletext');
  const item = multiple.items[index];
  if (!item) throw new Error('no such item');
  return item.editor;
}

describe('enableDontKnow', () => {
  it('renders numeric dk questions, dk matrix cells and dk multiple-text items with the countdk renderer', () => {
    const model = buildSurveyModel(openState());
    expect(question(model, 'd4_beds').renderAs).toBe(DONT_KNOW_RENDERER);
    expect(matrixCell(model, 1, 0).renderAs).toBe(DONT_KNOW_RENDERER);
    expect(itemEditor(model, 0).renderAs).toBe(DONT_KNOW_RENDERER);
  });

  it('leaves counts without dk, and dk on a non-numeric input, to the default renderer', () => {
    const model = buildSurveyModel(openState());
    expect(question(model, 'a2_years').renderAs).toBe('default');
    expect(question(model, 'a9_note').renderAs).toBe('default');
    expect(matrixCell(model, 0, 1).renderAs).toBe('default');
    expect(itemEditor(model, 1).renderAs).toBe('default');
  });
});

describe('setDontKnow', () => {
  it("stores -7 for a question even though it lies below the question's min", () => {
    const model = buildSurveyModel(openState());
    const changes: string[] = [];
    model.onValueChanged.add((_, options) => changes.push(options.name));
    setDontKnow(question(model, 'd4_beds'), true);
    expect(model.data).toEqual({ d4_beds: -7 });
    expect(isDontKnow(question(model, 'd4_beds'))).toBe(true);
    expect(changes).toEqual(['d4_beds']);
  });

  it('stores -7 in a matrix cell and a multiple-text item', () => {
    const model = buildSurveyModel(openState({ answers: { b3_cases: { y2009: { labor: 2 } } } }));
    setDontKnow(matrixCell(model, 0, 0), true);
    setDontKnow(itemEditor(model, 0), true);
    expect(model.data).toEqual({ b3_cases: { y2009: { sex: -7, labor: 2 } }, a6_staff: { attorneys: -7 } });
  });

  it('clears the answer when "don\'t know" is unticked', () => {
    const model = buildSurveyModel(openState({ answers: { d4_beds: -7, b3_cases: { y2009: { sex: -7, labor: 1 } } } }));
    setDontKnow(question(model, 'd4_beds'), false);
    setDontKnow(matrixCell(model, 0, 0), false);
    expect(model.data).toEqual({ b3_cases: { y2009: { labor: 1 } } });
  });

  it('lets -7 pass validation on dk counts but still rejects other numbers below min', () => {
    const model = buildSurveyModel(
      openState({ answers: { d4_beds: -7, a6_staff: { attorneys: -7 }, b3_cases: { y2009: { sex: -7 } } } }),
    );
    model.currentPageNo = 1;
    expect(model.validateCurrentPage()).toBe(true);
    model.currentPageNo = 2;
    expect(model.validateCurrentPage()).toBe(true);
    model.setValue('d4_beds', -3);
    model.currentPageNo = 1;
    expect(model.validateCurrentPage()).toBe(false);
    expect(question(model, 'd4_beds').errors.map((error) => error.getText())).toHaveLength(1);
  });

  it('does not let -7 through on a count that has no dk', () => {
    const model = buildSurveyModel(openState({ answers: { a2_years: -7 } }));
    model.currentPageNo = 1;
    expect(model.validateCurrentPage()).toBe(false);
  });
});
