import { describe, expect, it } from 'vitest';
import {
  answerChanges,
  panelShape,
  questionOfPath,
  questionTitles,
  storedChange,
} from '../../server/records/changes.js';

const survey = {
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'text', name: 'cf_code', title: 'Case code' },
        {
          type: 'paneldynamic',
          name: 'cf_defs',
          templateElements: [
            { type: 'text', name: 'd_sentmo', title: { default: 'Sentence (months)', es: 'Condena' } },
            {
              type: 'paneldynamic',
              name: 'd_charges',
              templateElements: [{ type: 'text', name: 'c_counts', title: 'Counts' }],
            },
          ],
        },
        { type: 'paneldynamic', name: 'cf_vics', templateElements: [{ type: 'text', name: 'v_sex' }] },
        { type: 'matrix', name: 'grid', rows: ['a'], columns: [1, 2] },
      ],
    },
  ],
};
const shape = panelShape(survey, { cf_defs: 'defendant_no', d_charges: 'charge_no' });

describe('answerChanges', () => {
  it('lists a top-level answer that was set, changed or cleared, with no value as undefined', () => {
    expect(answerChanges({ a: 1, b: 'x' }, { a: 2, c: true }, shape)).toEqual([
      { variable: 'a', old: 1, new: 2 },
      { variable: 'c', old: undefined, new: true },
      { variable: 'b', old: 'x', new: undefined },
    ]);
  });

  it('lists nothing when only the order of keys differs, and compares a matrix or checkbox value whole', () => {
    expect(answerChanges({ grid: { a: 1, b: 2 }, ck: [1, 2] }, { ck: [1, 2], grid: { b: 2, a: 1 } }, shape)).toEqual(
      [],
    );
    expect(answerChanges({ grid: { a: 1 }, ck: [1] }, { grid: { a: 2 }, ck: [1, 3] }, shape)).toEqual([
      { variable: 'grid', old: { a: 1 }, new: { a: 2 } },
      { variable: 'ck', old: [1], new: [1, 3] },
    ]);
  });

  it('names a panel answer by the entry key the instrument declares, so removing another entry changes nothing else', () => {
    const before = {
      cf_defs: [
        { defendant_no: 1, d_sentmo: 12 },
        { defendant_no: 2, d_sentmo: 24 },
        { defendant_no: 3, d_sentmo: 36 },
      ],
    };
    const after = {
      cf_defs: [
        { defendant_no: 1, d_sentmo: 12 },
        { defendant_no: 3, d_sentmo: 30 },
      ],
    };
    expect(answerChanges(before, after, shape)).toEqual([
      { variable: 'cf_defs[defendant_no=3].d_sentmo', old: 36, new: 30 },
      { variable: 'cf_defs[defendant_no=2].defendant_no', old: 2, new: undefined },
      { variable: 'cf_defs[defendant_no=2].d_sentmo', old: 24, new: undefined },
    ]);
  });

  it('sees no change when keyed entries are only reordered', () => {
    const a = { defendant_no: 1, d_sentmo: 12 };
    const b = { defendant_no: 2, d_sentmo: 24 };
    expect(answerChanges({ cf_defs: [a, b] }, { cf_defs: [b, a] }, shape)).toEqual([]);
  });

  it('nests the paths of a panel inside a panel', () => {
    const before = { cf_defs: [{ defendant_no: 2, d_charges: [{ charge_no: 1, c_counts: 1 }] }] };
    const after = {
      cf_defs: [
        {
          defendant_no: 2,
          d_charges: [
            { charge_no: 1, c_counts: 3 },
            { charge_no: 2, c_counts: 1 },
          ],
        },
      ],
    };
    expect(answerChanges(before, after, shape)).toEqual([
      { variable: 'cf_defs[defendant_no=2].d_charges[charge_no=1].c_counts', old: 1, new: 3 },
      { variable: 'cf_defs[defendant_no=2].d_charges[charge_no=2].charge_no', old: undefined, new: 2 },
      { variable: 'cf_defs[defendant_no=2].d_charges[charge_no=2].c_counts', old: undefined, new: 1 },
    ]);
  });

  it('names entries of a panel without a declared key by their 1-based position', () => {
    expect(answerChanges({ cf_vics: [{ v_sex: 1 }] }, { cf_vics: [{ v_sex: 2 }, { v_sex: 1 }] }, shape)).toEqual([
      { variable: 'cf_vics[1].v_sex', old: 1, new: 2 },
      { variable: 'cf_vics[2].v_sex', old: undefined, new: 1 },
    ]);
  });

  it('stores values as JSON text and no value as NULL', () => {
    expect(storedChange({ variable: 'x', old: undefined, new: 'O’Brien "Jr."' })).toEqual({
      variable: 'x',
      oldValue: null,
      newValue: '"O’Brien \\"Jr.\\""',
    });
  });
});

describe('panelShape, questionTitles, questionOfPath', () => {
  it('finds panels at any depth with their keys, and titles in the default language', () => {
    expect([...shape]).toEqual([
      ['cf_defs', 'defendant_no'],
      ['d_charges', 'charge_no'],
      ['cf_vics', null],
    ]);
    const titles = questionTitles(survey);
    expect(titles.get('d_sentmo')).toBe('Sentence (months)');
    expect(titles.get('v_sex')).toBe('v_sex');
    expect(questionOfPath('cf_defs[defendant_no=2].d_charges[charge_no=1].c_counts')).toBe('c_counts');
    expect(questionOfPath('cf_defs[defendant_no=2]')).toBe('cf_defs');
    expect(questionOfPath('cf_code')).toBe('cf_code');
  });
});
