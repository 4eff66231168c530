import { describe, expect, it } from 'vitest';
import { answerShapeErrors, createSurveyModel } from '../../server/instruments/answers.js';
import { completionErrors, judgeCompletion } from '../../server/instruments/completion.js';
import { withoutClientComputed } from '../../server/instruments/computedValues.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';

/** An instrument as SurveyJS Creator writes it: choice values of any JSON type, no study conventions. */
const instrument = (elements: unknown[]) =>
  madeUpInstrument('any-survey', [{ name: 'p1', elements: [CONSENT_QUESTION, ...elements] }]);
const shapeOf = (elements: unknown[], answers: Record<string, unknown>) =>
  answerShapeErrors(createSurveyModel(instrument(elements)), answers);
const completing = (elements: unknown[], answers: Record<string, unknown>) =>
  completionErrors(instrument(elements), { consent: 1, ...answers });

const colours = {
  type: 'radiogroup',
  name: 'colour',
  choices: ['red', { value: 2, text: 'Two' }, { value: true, text: 'Yes' }],
  showOtherItem: true,
  showNoneItem: true,
  showRefuseItem: true,
  showDontKnowItem: true,
};

describe('radiogroup and dropdown', () => {
  it('accepts each choice value exactly as the survey defines it, and the special items shown', () => {
    for (const colour of ['red', 2, true, 'other', 'none', 'refused', 'dontknow']) {
      expect(shapeOf([colours], { colour })).toEqual({});
    }
    expect(shapeOf([{ ...colours, type: 'dropdown' }], { colour: 'red' })).toEqual({});
  });

  it('refuses a numeric string for a number, a value outside the choices, and special items not shown', () => {
    expect(shapeOf([colours], { colour: '2' })).toEqual({ colour: ['"2" is not one of the choices'] });
    expect(shapeOf([colours], { colour: 'true' })).toEqual({ colour: ['"true" is not one of the choices'] });
    expect(shapeOf([{ ...colours, type: 'dropdown' }], { colour: 'blue' })).toEqual({
      colour: ['"blue" is not one of the choices'],
    });
    expect(shapeOf([{ type: 'radiogroup', name: 'q', choices: ['a'] }], { q: 'none' })).toEqual({
      q: ['"none" is not one of the choices'],
    });
  });

  it('accepts the generated choices of a dropdown with choicesMin and choicesMax', () => {
    const years = { type: 'dropdown', name: 'year', choicesMin: 2000, choicesMax: 2010, choicesStep: 2 };
    expect(shapeOf([years], { year: 2004 })).toEqual({});
    expect(shapeOf([years], { year: 2005 })).toEqual({ year: ['2005 is not one of the choices'] });
  });

  it('accepts the "Other" text as the value itself when storeOthersAsComment is false', () => {
    const q = { type: 'radiogroup', name: 'q', choices: ['a'], showOtherItem: true, storeOthersAsComment: false };
    expect(shapeOf([q], { q: 'my own words' })).toEqual({});
    expect(shapeOf([q], { q: 5 })).toEqual({ q: ['5 is not one of the choices'] });
  });
});

describe('checkbox and tagbox', () => {
  const fruit = {
    type: 'checkbox',
    name: 'fruit',
    choices: ['apple', 'pear', 3],
    showNoneItem: true,
    showSelectAllItem: true,
    showRefuseItem: true,
    maxSelectedChoices: 2,
  };

  it('accepts distinct choices, and an exclusive item alone', () => {
    expect(shapeOf([fruit], { fruit: ['apple', 3] })).toEqual({});
    expect(shapeOf([fruit], { fruit: ['refused'] })).toEqual({});
    expect(shapeOf([{ ...fruit, type: 'tagbox' }], { fruit: ['pear'] })).toEqual({});
  });

  it('refuses repeats, values outside the choices, exclusive items with others, too many, and "select all"', () => {
    expect(shapeOf([fruit], { fruit: ['apple', 'apple'] })).toEqual({ fruit: ['"apple" is chosen twice'] });
    expect(shapeOf([fruit], { fruit: ['3'] })).toEqual({ fruit: ['"3" is not one of the choices'] });
    expect(shapeOf([fruit], { fruit: ['none', 'pear'] }).fruit).toEqual([
      '"None" cannot be chosen together with other answers',
    ]);
    expect(shapeOf([fruit], { fruit: ['apple', 'pear', 3] })).toEqual({
      fruit: ['at most 2 choices may be selected'],
    });
    expect(shapeOf([fruit], { fruit: [''] })).toEqual({ fruit: ['"" is not one of the choices'] });
    expect(shapeOf([{ ...fruit, type: 'tagbox' }], { fruit: 'apple' })).toEqual({
      fruit: ['"apple" is not a list of choices'],
    });
  });

  it('holds minSelectedChoices at completion', () => {
    expect(completing([{ ...fruit, minSelectedChoices: 2 }], { fruit: ['apple'] }).fruit?.[0]).toMatch(/at least 2/i);
    expect(completing([{ ...fruit, minSelectedChoices: 2 }], { fruit: ['apple', 'pear'] })).toEqual({});
  });
});

describe('rating', () => {
  it('accepts rateMin..rateMax by rateStep, whatever the rateType', () => {
    const stars = { type: 'rating', name: 'stars', rateMin: 0, rateMax: 10, rateStep: 2, rateType: 'stars' };
    expect(shapeOf([stars], { stars: 4 })).toEqual({});
    expect(shapeOf([stars], { stars: 5 })).toEqual({ stars: ['5 is not one of the rating values'] });
    expect(shapeOf([stars], { stars: '4' })).toEqual({ stars: ['"4" is not one of the rating values'] });
    expect(shapeOf([{ type: 'rating', name: 'r', rateType: 'smileys' }], { r: 5 })).toEqual({});
  });

  it('accepts exactly the rateValues when they are given', () => {
    const q = { type: 'rating', name: 'mood', rateValues: [{ value: 'low', text: 'Low' }, 'high'] };
    expect(shapeOf([q], { mood: 'high' })).toEqual({});
    expect(shapeOf([q], { mood: 3 })).toEqual({ mood: ['3 is not one of the rating values'] });
  });
});

describe('slider', () => {
  it('accepts a number on the steps between min and max, and refuses others', () => {
    const q = { type: 'slider', name: 'temp', min: 10, max: 30, step: 0.5 };
    expect(shapeOf([q], { temp: 12.5 })).toEqual({});
    expect(shapeOf([q], { temp: 31 })).toEqual({ temp: ["31 is outside the slider's range 10 to 30"] });
    expect(shapeOf([q], { temp: 12.25 })).toEqual({ temp: ["12.25 is not on the slider's steps of 0.5 from 10"] });
    expect(shapeOf([q], { temp: '12' })).toEqual({ temp: ['"12" is not a number'] });
  });

  it('accepts two numbers for a range slider, within minRangeLength', () => {
    const q = { type: 'slider', name: 'span', sliderType: 'range', min: 0, max: 100, minRangeLength: 10 };
    expect(shapeOf([q], { span: [20, 40] })).toEqual({});
    expect(shapeOf([q], { span: [20, 25] })).toEqual({ span: ['the range 5 is shorter than 10'] });
    expect(shapeOf([q], { span: 20 })).toEqual({ span: ['a range slider stores two numbers, [from, to]'] });
  });
});

describe('ranking', () => {
  const rank = { type: 'ranking', name: 'rank', choices: ['a', 'b', { value: 'c', visibleIf: '{consent} = 1' }] };

  it('accepts a permutation of the visible choices and refuses repeats, strangers and partial rankings', () => {
    expect(completing([rank], { rank: ['c', 'a', 'b'] })).toEqual({});
    expect(shapeOf([rank], { rank: ['a', 'a'] })).toEqual({ rank: ['"a" is ranked or chosen twice'] });
    expect(shapeOf([rank], { rank: ['z'] })).toEqual({ rank: ['"z" is not one of the choices'] });
    expect(completing([rank], { rank: ['a', 'b'] })).toEqual({ rank: ['every choice shown must be ranked'] });
  });

  it('ranks only the choices shown, and with selectToRankEnabled any subset of them', () => {
    expect(completing([rank], { consent: 2, rank: ['b', 'a'] })).toEqual({});
    expect(completing([{ ...rank, selectToRankEnabled: true }], { rank: ['b'] })).toEqual({});
  });
});

describe('imagepicker', () => {
  const pics = { type: 'imagepicker', name: 'pic', choices: [{ value: 'cat', imageLink: 'c.png' }, { value: 1 }] };

  it('accepts one picture, or a list with multiSelect', () => {
    expect(shapeOf([pics], { pic: 'cat' })).toEqual({});
    expect(shapeOf([{ ...pics, multiSelect: true }], { pic: ['cat', 1] })).toEqual({});
  });

  it('refuses pictures that are not offered, and a list without multiSelect', () => {
    expect(shapeOf([pics], { pic: 'dog' })).toEqual({ pic: ['"dog" is not one of the pictures'] });
    expect(shapeOf([pics], { pic: ['cat'] })).toEqual({ pic: ['a list is not one of the pictures'] });
  });
});

describe('boolean', () => {
  it('stores true/false without valueTrue/valueFalse, and exactly those values with them', () => {
    expect(shapeOf([{ type: 'boolean', name: 'b' }], { b: false })).toEqual({});
    expect(shapeOf([{ type: 'boolean', name: 'b' }], { b: 'true' })).toEqual({ b: ['"true" is not a yes/no answer'] });
    const coded = { type: 'boolean', name: 'b', valueTrue: 'yes', valueFalse: 'no' };
    expect(shapeOf([coded], { b: 'no' })).toEqual({});
    expect(shapeOf([coded], { b: true })).toEqual({ b: ['true is not a yes/no answer'] });
  });
});

describe('matrixdropdown and matrixdynamic', () => {
  const columns = [
    { name: 'pick' },
    { name: 'radio', cellType: 'radiogroup', choices: ['x', 'y'] },
    { name: 'many', cellType: 'checkbox' },
    { name: 'note', cellType: 'text', inputType: 'date' },
    { name: 'long', cellType: 'comment' },
    { name: 'ok', cellType: 'boolean' },
    { name: 'stars', cellType: 'rating' },
    { name: 'sum', cellType: 'expression', expression: '{row.stars} * 2' },
  ];
  const grid = { type: 'matrixdropdown', name: 'grid', choices: [1, 'two'], rows: ['r1', 'r2'], columns };
  const list = { type: 'matrixdynamic', name: 'list', choices: [1, 'two'], minRowCount: 2, maxRowCount: 3, columns };
  const fullRow = {
    pick: 'two',
    radio: 'y',
    many: [1, 'two'],
    note: '2024-02-29',
    long: 'words',
    ok: true,
    stars: 3,
    sum: 'anything',
  };

  it('checks every cell type against its column, with the shared choices where a column has none', () => {
    expect(shapeOf([grid], { grid: { r1: fullRow } })).toEqual({});
    expect(
      shapeOf([grid], { grid: { r1: { pick: 3, radio: 1, many: ['x'], note: '2024-02-30', ok: 1, stars: 9 } } }),
    ).toEqual({
      grid: [
        'row "r1", column "pick": 3 is not one of the choices',
        'row "r1", column "radio": 1 is not one of the choices',
        'row "r1", column "many": "x" is not one of the choices',
        'row "r1", column "note": "2024-02-30" is not a date (YYYY-MM-DD)',
        'row "r1", column "ok": 1 is not a yes/no answer',
        'row "r1", column "stars": 9 is not one of the rating values',
      ],
    });
  });

  it('takes a list of rows up to maxRowCount, each checked by column', () => {
    expect(shapeOf([list], { list: [fullRow, { pick: 1 }] })).toEqual({});
    expect(shapeOf([list], { list: [{ pick: 'one' }, { nope: 1 }] })).toEqual({
      list: ['row 1, column "pick": "one" is not one of the choices', 'row 2: column "nope" does not exist'],
    });
    expect(shapeOf([list], { list: [{}, {}, {}, {}] })).toEqual({ list: ['at most 3 rows are allowed'] });
    expect(shapeOf([list], { list: { r1: {} } })).toEqual({ list: ['a set of answers is not a list of rows'] });
  });

  it('requires minRowCount rows at completion and stores the computed cells and totals', () => {
    expect(completing([list], { list: [{ pick: 1 }] })).toEqual({ list: ['at least 2 rows are required, 1 given'] });
    const totalled = { ...list, columns: [...columns.slice(0, 7), { ...columns[7], totalType: 'sum' }] };
    const verdict = judgeCompletion(instrument([totalled]), {
      consent: 1,
      list: [{ stars: 2, sum: 99 }, {}],
      'list-total': { sum: 1000 },
    });
    expect(verdict).toEqual({
      ok: true,
      cleaned: { consent: 1, list: [{ stars: 2, sum: 4 }, { sum: 0 }], 'list-total': { sum: 4 } },
    });
  });
});

describe('expression questions', () => {
  const doubled = [
    { type: 'rating', name: 'score' },
    { type: 'expression', name: 'double', expression: '{score} * 2' },
  ];

  it('never refuse a client value in a draft, and drafts drop it, also inside rows and entries', () => {
    const model = createSurveyModel(instrument(doubled));
    expect(answerShapeErrors(model, { score: 2, double: 'forged' })).toEqual({});
    expect(withoutClientComputed(model, { score: 2, double: 'forged' })).toEqual({ score: 2 });
    const nested = createSurveyModel(
      instrument([
        { type: 'matrixdynamic', name: 'm', columns: [{ name: 'a' }, { name: 'e', cellType: 'expression' }] },
        { type: 'paneldynamic', name: 'p', templateElements: [{ type: 'expression', name: 'e' }] },
      ]),
    );
    expect(withoutClientComputed(nested, { m: [{ a: 1, e: 2 }], p: [{ e: 3 }] })).toEqual({ m: [{ a: 1 }], p: [{}] });
  });

  it('store the server computation at completion, not the client value', () => {
    expect(judgeCompletion(instrument(doubled), { consent: 1, score: 2, double: 99 })).toEqual({
      ok: true,
      cleaned: { consent: 1, score: 2, double: 4 },
    });
  });
});

describe('keys SurveyJS writes into the answers itself', () => {
  const base = madeUpInstrument('any-survey', [
    {
      name: 'p1',
      elements: [
        CONSENT_QUESTION,
        { type: 'text', name: 'first' },
        { type: 'radiogroup', name: 'copy', choices: ['Yes'] },
      ],
    },
  ]);
  const survey = {
    ...base,
    survey: {
      ...base.survey,
      calculatedValues: [{ name: 'greeting', expression: "'Hello ' + {first}", includeIntoResult: true }],
      triggers: [{ type: 'setvalue', expression: "{copy} = 'Yes'", setToName: 'tempvar', setValue: 'copied' }],
    },
  };

  it('accepts a setvalue trigger value under a name that is no question, in drafts and completions, and keeps it', () => {
    const answers = { consent: 1, copy: 'Yes', tempvar: 'copied' };
    expect(answerShapeErrors(createSurveyModel(survey), answers)).toEqual({});
    expect(judgeCompletion(survey, answers)).toEqual({ ok: true, cleaned: { ...answers, greeting: 'Hello ' } });
  });

  it('accepts a calculated value included in the result, and stores the value the server computes', () => {
    const answers = { consent: 1, first: 'Ada', greeting: 'forged' };
    expect(answerShapeErrors(createSurveyModel(survey), answers)).toEqual({});
    expect(judgeCompletion(survey, answers)).toEqual({
      ok: true,
      cleaned: { consent: 1, first: 'Ada', greeting: 'Hello Ada' },
    });
  });
});

describe('questions shown by a visible trigger', () => {
  const survey = madeUpInstrument('any-survey', [
    {
      name: 'p1',
      elements: [
        CONSENT_QUESTION,
        { type: 'radiogroup', name: 'type', choices: ['hatch', 'sedan'] },
        { type: 'text', name: 'model', visible: false, isRequired: true },
      ],
    },
  ]);
  (survey.survey as Record<string, unknown>).triggers = [
    { type: 'visible', name: 'type', operator: 'equal', value: 'hatch', questions: ['model'] },
  ];

  it('are validated and keep their answers at completion, as the respondent saw them', () => {
    expect(completionErrors(survey, { consent: 1, type: 'hatch' })).toEqual({ model: ['Response required.'] });
    const answers = { consent: 1, type: 'hatch', model: 'Civic' };
    expect(judgeCompletion(survey, answers)).toEqual({ ok: true, cleaned: answers });
  });
});

describe('matrix with checkbox cells', () => {
  const devices = {
    type: 'matrix',
    name: 'devices',
    cellType: 'checkbox',
    columns: ['phone', 'tablet'],
    rows: ['videos', 'news'],
  };

  it('accepts a list of columns per row, as SurveyJS stores it', () => {
    expect(completing([devices], { devices: { videos: ['phone', 'tablet'], news: ['phone'] } })).toEqual({});
  });

  it('refuses a single column, an unknown column and a column chosen twice', () => {
    expect(shapeOf([devices], { devices: { videos: 'phone' } })).toEqual({
      devices: ['row "videos": "phone" is not a list of choices'],
    });
    expect(shapeOf([devices], { devices: { videos: ['fax', 'phone', 'phone'] } })).toEqual({
      devices: ['row "videos": "fax" is not one of the choices', 'row "videos": "phone" is chosen twice'],
    });
  });
});

describe('text, comment, single-choice matrix, multiple text and repeating panels', () => {
  it('accept their SurveyJS shapes and refuse others, naming the question', () => {
    const elements = [
      { type: 'comment', name: 'c', maxLength: 5 },
      { type: 'matrix', name: 'mx', rows: ['r1', 'r2'], columns: ['lo', 'hi'] },
      {
        type: 'multipletext',
        name: 'mt',
        items: [
          { name: 'mail', inputType: 'email' },
          { name: 'code', maskType: 'pattern', maskSettings: { pattern: '99' } },
        ],
      },
      { type: 'paneldynamic', name: 'pd', templateElements: [{ type: 'rating', name: 'r' }] },
    ];
    expect(
      shapeOf(elements, { c: 'short', mx: { r1: 'hi' }, mt: { mail: 'a@b.org', code: '12' }, pd: [{ r: 5 }] }),
    ).toEqual({});
    expect(shapeOf(elements, { c: 'longer', mx: { r3: 'hi' }, mt: { mail: 'a@', code: '1' }, pd: [{ r: 6 }] })).toEqual(
      {
        c: ['the text is longer than 5 characters'],
        mx: ['row "r3" does not exist'],
        mt: ['"mail": "a@" is not an e-mail address', '"code": "1" does not fit the input mask'],
        pd: ['entry 1, "r": 6 is not one of the rating values'],
      },
    );
  });
});

describe('display-only and unsupported questions', () => {
  it('refuse any answer to html, image, file and signaturepad questions', () => {
    const elements = [
      { type: 'html', name: 'h', html: '<p>Hi</p>' },
      { type: 'image', name: 'img', imageLink: 'x.png' },
      { type: 'file', name: 'f' },
      { type: 'signaturepad', name: 's' },
    ];
    expect(shapeOf(elements, { h: 'x', img: 'x', f: [{ name: 'a.txt' }], s: 'data:image/png;base64,AAAA' })).toEqual({
      h: ['shows content only and cannot be answered'],
      img: ['shows content only and cannot be answered'],
      f: ['file uploads are not accepted by this survey platform'],
      s: ['signatures are not accepted by this survey platform'],
    });
  });
});

describe('comment keys', () => {
  it('are accepted where a comment box exists: showCommentArea, or "Other" kept as a comment', () => {
    const withArea = { type: 'rating', name: 't', showCommentArea: true };
    const withOther = { type: 'checkbox', name: 'c', choices: [1], showOtherItem: true };
    expect(shapeOf([withArea, withOther], { t: 3, 't-Comment': 'b', c: ['other'], 'c-Comment': 'c' })).toEqual({});
    expect(shapeOf([withArea], { 't-Comment': 'x'.repeat(2001) })).toEqual({
      t: ['comment: the text is longer than 2000 characters'],
    });
    expect(shapeOf([withOther], { 'c-Comment': '\udc00' })).toEqual({
      c: ['comment: contains an unpaired surrogate (not valid Unicode text)'],
    });
  });

  it('are refused as not part of the survey where there is no comment box', () => {
    const plain = { type: 'radiogroup', name: 'r', choices: [1], showOtherItem: true, storeOthersAsComment: false };
    expect(shapeOf([plain, { type: 'text', name: 't' }], { 'r-Comment': 'x', 't-Comment': 'y' })).toEqual({
      _answers: ['"r-Comment" is not a question of this survey', '"t-Comment" is not a question of this survey'],
    });
  });

  it('inside matrix rows and repeating-panel entries follow the same rule', () => {
    const m = {
      type: 'matrixdynamic',
      name: 'm',
      columns: [{ name: 'a', cellType: 'dropdown', choices: [1], showOtherItem: true }],
    };
    expect(shapeOf([m], { m: [{ a: 'other', 'a-Comment': 'mine' }] })).toEqual({});
    const p = { type: 'paneldynamic', name: 'p', templateElements: [{ type: 'text', name: 'x' }] };
    expect(shapeOf([p], { p: [{ 'x-Comment': 'no' }] })).toEqual({
      p: ['entry 1: "x-Comment" is not a question of this entry'],
    });
  });
});

describe('text input types', () => {
  const typed = (inputType: string, extra: Record<string, unknown> = {}) => [
    { type: 'text', name: 't', inputType, ...extra },
  ];
  const cases: Array<[string, unknown, string, Record<string, unknown>?]> = [
    ['date', '2024-02-29', '2023-02-29'],
    ['time', '23:59', '24:00'],
    ['datetime-local', '2024-02-29T10:30', '2024-02-29 10:30'],
    ['month', '2024-12', '2024-13'],
    ['week', '2020-W53', '2021-W53'],
    ['email', 'a.b@example.org', 'a.b@example'],
    ['url', 'https://example.org/x', 'example dot org'],
    ['tel', '+1 (555) 010-0000', '555-CALL'],
    ['color', '#a0b1c2', 'red'],
  ];
  it.each(cases)('%s accepts %j and refuses %j', (inputType, good, bad) => {
    expect(shapeOf(typed(inputType), { t: good })).toEqual({});
    expect(shapeOf(typed(inputType), { t: bad }).t?.[0]).toMatch(/^".*" is not an? /);
  });

  it('honours min and max of dates and numbers', () => {
    const dated = typed('date', { min: '2020-01-01', max: '2020-12-31' });
    expect(shapeOf(dated, { t: '2020-06-01' })).toEqual({});
    expect(shapeOf(dated, { t: '2019-12-31' })).toEqual({
      t: ['2019-12-31 is before the earliest allowed, 2020-01-01'],
    });
    expect(shapeOf(dated, { t: '2021-01-01' })).toEqual({ t: ['2021-01-01 is after the latest allowed, 2020-12-31'] });
    const ranged = typed('range', { min: 0, max: 10 });
    expect(shapeOf(ranged, { t: 7 })).toEqual({});
    expect(shapeOf(ranged, { t: '7' })).toEqual({ t: ['"7" is not a number'] });
    expect(shapeOf(ranged, { t: 11 })).toEqual({ t: ['11 is above the maximum of 10'] });
  });

  it('keeps text exactly as typed: spaces are part of the answer, not an error', () => {
    expect(shapeOf(typed('text'), { t: '  spaced  ' })).toEqual({});
  });
});

describe('input masks', () => {
  const masked = (maskType: string, maskSettings: Record<string, unknown>) => [
    { type: 'text', name: 't', maskType, maskSettings },
  ];

  it('pattern masks store the entered characters by default, the masked text with saveMaskedValue', () => {
    const phone = masked('pattern', { pattern: '+1(999)-999' });
    expect(shapeOf(phone, { t: '1555123' })).toEqual({});
    expect(shapeOf(phone, { t: '155512' })).toEqual({ t: ['"155512" does not fit the input mask'] });
    expect(shapeOf(phone, { t: '+1(555)-123' })).toEqual({ t: ['"+1(555)-123" does not fit the input mask'] });
    const saved = masked('pattern', { pattern: '+1(999)-999', saveMaskedValue: true });
    expect(shapeOf(saved, { t: '+1(555)-123' })).toEqual({});
    expect(shapeOf(saved, { t: '1555123' })).toEqual({ t: ['"1555123" does not fit the input mask'] });
  });

  it('numeric and currency masks store numbers within their range and precision', () => {
    const amount = masked('numeric', { min: 0, max: 1000, precision: 1 });
    expect(shapeOf(amount, { t: 12.5 })).toEqual({});
    for (const bad of [12.55, 1001, -1]) {
      expect(shapeOf(amount, { t: bad })).toEqual({ t: [`${bad} does not fit the input mask`] });
    }
    expect(shapeOf(amount, { t: '12.5' })).toEqual({ t: ['"12.5" is not a number'] });
    expect(shapeOf(masked('currency', { prefix: '$' }), { t: 12.5 })).toEqual({});
    expect(shapeOf(masked('currency', { prefix: '$', saveMaskedValue: true }), { t: '$12.5' })).toEqual({});
  });

  it('datetime masks store ISO dates, and refuse impossible ones', () => {
    const day = masked('datetime', { pattern: 'mm/dd/yyyy' });
    expect(shapeOf(day, { t: '2024-02-29' })).toEqual({});
    expect(shapeOf(day, { t: '2024-02-30' })).toEqual({ t: ['"2024-02-30" does not fit the input mask'] });
    expect(shapeOf(day, { t: '02/29/2024' })).toEqual({ t: ['"02/29/2024" does not fit the input mask'] });
  });
});

describe('choices the respondent was not shown (completion)', () => {
  const gate = { type: 'boolean', name: 'gate' };
  const pick = {
    type: 'radiogroup',
    name: 'pick',
    choices: ['a', { value: 'b', visibleIf: '{gate} = true' }, { value: 'c', enableIf: '{gate} = true' }],
  };

  it('refuses a choice hidden by its visibleIf or choicesVisibleIf, and one disabled by enableIf', () => {
    expect(completing([gate, pick], { gate: true, pick: 'b' })).toEqual({});
    expect(completing([gate, pick], { gate: false, pick: 'b' })).toEqual({
      pick: ['"b" is not one of the choices shown to this respondent'],
    });
    expect(completing([gate, pick], { gate: false, pick: 'c' })).toEqual({
      pick: ['"c" is a choice this respondent cannot select'],
    });
    const filtered = { type: 'checkbox', name: 'many', choices: [1, 2], choicesVisibleIf: '{item} = 1' };
    expect(completing([filtered], { many: [2] })).toEqual({
      many: ['2 is not one of the choices shown to this respondent'],
    });
  });

  it('refuses choices copied from another question that the mode does not show', () => {
    const source = { type: 'checkbox', name: 'have', choices: ['car', 'bike'] };
    const best = { type: 'radiogroup', name: 'best', choicesFromQuestion: 'have', choicesFromQuestionMode: 'selected' };
    expect(completing([source, best], { have: ['car'], best: 'car' })).toEqual({});
    expect(completing([source, best], { have: ['car'], best: 'bike' })).toEqual({
      best: ['"bike" is not one of the choices shown to this respondent'],
    });
  });
});

describe('disabled and read-only questions (completion)', () => {
  const gate = { type: 'boolean', name: 'gate' };
  const gated = { type: 'text', name: 'why', enableIf: '{gate} = true', defaultValue: 'n/a' };

  it('refuses an answer the respondent could not have typed, but accepts the default value', () => {
    expect(completing([gate, gated], { gate: true, why: 'because' })).toEqual({});
    expect(completing([gate, gated], { gate: false, why: 'because' })).toEqual({
      why: ['cannot be answered: the survey does not let this respondent change it'],
    });
    expect(completing([gate, gated], { gate: false, why: 'n/a' })).toEqual({});
    expect(completing([{ type: 'text', name: 'fixed', readOnly: true }], { fixed: 'x' })).toEqual({
      fixed: ['cannot be answered: the survey does not let this respondent change it'],
    });
  });

  it('still clears answers to questions hidden by logic', () => {
    const hidden = { type: 'text', name: 'why', visibleIf: '{gate} = true' };
    expect(judgeCompletion(instrument([gate, hidden]), { consent: 1, gate: false, why: 'x' })).toEqual({
      ok: true,
      cleaned: { consent: 1, gate: false },
    });
  });
});
