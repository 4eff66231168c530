import { describe, expect, it } from 'vitest';
import { answersEqual, mergeAnswers } from '../../client/respond/merge.js';

describe('mergeAnswers(base, local, remote)', () => {
  describe('scalar answers', () => {
    it('keeps an answer changed only on this device', () => {
      const result = mergeAnswers({ a2_years: 3 }, { a2_years: 4 }, { a2_years: 3 });
      expect(result).toEqual({ merged: { a2_years: 4 }, conflicts: [] });
    });

    it('takes an answer changed only by the colleague', () => {
      const result = mergeAnswers({ a2_years: 3 }, { a2_years: 3 }, { a2_years: 7 });
      expect(result).toEqual({ merged: { a2_years: 7 }, conflicts: [] });
    });

    it('adds answers each side gave to different questions', () => {
      const result = mergeAnswers({}, { a1_role: 1 }, { a2_years: 12 });
      expect(result).toEqual({ merged: { a1_role: 1, a2_years: 12 }, conflicts: [] });
    });

    it('keeps the local answer and reports a conflict when both changed it differently', () => {
      const result = mergeAnswers({ b2_anycase: 1 }, { b2_anycase: 2 }, { b2_anycase: -7 });
      expect(result).toEqual({ merged: { b2_anycase: 2 }, conflicts: ['b2_anycase'] });
    });

    it('reports a conflict when both answered a question that was empty in the base', () => {
      const result = mergeAnswers({}, { a1_role: 1 }, { a1_role: 2 });
      expect(result).toEqual({ merged: { a1_role: 1 }, conflicts: ['a1_role'] });
    });

    it('does not report a conflict when both changed it to the same value', () => {
      const result = mergeAnswers({ b2_anycase: 1 }, { b2_anycase: 2 }, { b2_anycase: 2 });
      expect(result).toEqual({ merged: { b2_anycase: 2 }, conflicts: [] });
    });

    it('keeps untouched answers as they are', () => {
      const base = { a1_role: 1, f3_practice: 'Vertical prosecution' };
      expect(mergeAnswers(base, { ...base }, { ...base })).toEqual({ merged: base, conflicts: [] });
    });

    it('treats a number and the same digits as text as different answers', () => {
      const result = mergeAnswers({ a2_years: 3 }, { a2_years: 3 }, { a2_years: '3' });
      expect(result.merged).toEqual({ a2_years: '3' });
    });

    it('treats "don\'t know" (-7) like any other answer', () => {
      const result = mergeAnswers({ d4_beds: 12 }, { d4_beds: -7 }, { d4_beds: 15 });
      expect(result).toEqual({ merged: { d4_beds: -7 }, conflicts: ['d4_beds'] });
    });

    it('treats true/false and null as answers', () => {
      expect(mergeAnswers({ x: false }, { x: false }, { x: true }).merged).toEqual({ x: true });
      expect(mergeAnswers({ x: null }, { x: 1 }, { x: null }).merged).toEqual({ x: 1 });
    });
  });

  describe('cleared answers', () => {
    it('removes an answer cleared only on this device', () => {
      const result = mergeAnswers({ e2_buyercount: 4 }, {}, { e2_buyercount: 4 });
      expect(result).toEqual({ merged: {}, conflicts: [] });
    });

    it('removes an answer the colleague cleared', () => {
      const result = mergeAnswers({ e2_buyercount: 4 }, { e2_buyercount: 4 }, {});
      expect(result).toEqual({ merged: {}, conflicts: [] });
    });

    it('keeps the local clearing and reports it when the colleague changed the answer', () => {
      const result = mergeAnswers({ e2_buyercount: 4 }, {}, { e2_buyercount: 9 });
      expect(result).toEqual({ merged: {}, conflicts: ['e2_buyercount'] });
    });

    it('keeps the local change and reports it when the colleague cleared the answer', () => {
      const result = mergeAnswers({ e2_buyercount: 4 }, { e2_buyercount: 5 }, {});
      expect(result).toEqual({ merged: { e2_buyercount: 5 }, conflicts: ['e2_buyercount'] });
    });

    it('is not a conflict when both cleared the answer', () => {
      expect(mergeAnswers({ e2_buyercount: 4 }, {}, {})).toEqual({ merged: {}, conflicts: [] });
    });

    it('treats a key holding undefined the same as a missing key', () => {
      const result = mergeAnswers({ a: 1 }, { a: undefined }, { a: 1 });
      expect(result).toEqual({ merged: {}, conflicts: [] });
      expect(Object.keys(result.merged)).toEqual([]);
    });
  });

  describe('checkbox arrays', () => {
    it('compares arrays by content, not identity', () => {
      const result = mergeAnswers({ a7_unit: [1, 2] }, { a7_unit: [1, 2] }, { a7_unit: [1, 2] });
      expect(result).toEqual({ merged: { a7_unit: [1, 2] }, conflicts: [] });
    });

    it("takes the colleague's selection when only they changed it", () => {
      const result = mergeAnswers({ a7_unit: [1] }, { a7_unit: [1] }, { a7_unit: [1, 3] });
      expect(result.merged).toEqual({ a7_unit: [1, 3] });
    });

    it('keeps the whole local selection and reports it when both changed it', () => {
      const result = mergeAnswers({ a7_unit: [1] }, { a7_unit: [1, 2] }, { a7_unit: [1, 3] });
      expect(result).toEqual({ merged: { a7_unit: [1, 2] }, conflicts: ['a7_unit'] });
    });

    it('is not a conflict when both made the same selection', () => {
      const result = mergeAnswers({ a7_unit: [1] }, { a7_unit: [4] }, { a7_unit: [4] });
      expect(result).toEqual({ merged: { a7_unit: [4] }, conflicts: [] });
    });

    it('treats a different order as a different answer (rankings depend on it)', () => {
      const result = mergeAnswers({ f2_needs: [1, 2] }, { f2_needs: [2, 1] }, { f2_needs: [1, 2, 3] });
      expect(result).toEqual({ merged: { f2_needs: [2, 1] }, conflicts: ['f2_needs'] });
    });
  });

  describe('matrix and multiple-text objects', () => {
    it('merges different cells of the same grid without a conflict', () => {
      const base = { b3_cases: { y2009: { sex: 1 } } };
      const local = { b3_cases: { y2009: { sex: 1, labor: 0 } } };
      const remote = { b3_cases: { y2009: { sex: 1 }, y2010: { sex: 2 } } };
      expect(mergeAnswers(base, local, remote)).toEqual({
        merged: { b3_cases: { y2009: { sex: 1, labor: 0 }, y2010: { sex: 2 } } },
        conflicts: [],
      });
    });

    it('merges cells when the grid was empty in the base', () => {
      const result = mergeAnswers({}, { a6_staff: { attorneys: 12 } }, { a6_staff: { investigators: 3 } });
      expect(result).toEqual({ merged: { a6_staff: { attorneys: 12, investigators: 3 } }, conflicts: [] });
    });

    it('keeps the local cell and reports the question when both changed the same cell', () => {
      const base = { b3_cases: { y2009: { sex: 1 } } };
      const local = { b3_cases: { y2009: { sex: 2 } } };
      const remote = { b3_cases: { y2009: { sex: 3 }, y2010: { sex: 5 } } };
      expect(mergeAnswers(base, local, remote)).toEqual({
        merged: { b3_cases: { y2009: { sex: 2 }, y2010: { sex: 5 } } },
        conflicts: ['b3_cases'],
      });
    });

    it('is not a conflict when both entered the same cell value', () => {
      const result = mergeAnswers({ m: {} }, { m: { r1: { c: 4 } } }, { m: { r1: { c: 4 } } });
      expect(result).toEqual({ merged: { m: { r1: { c: 4 } } }, conflicts: [] });
    });

    it('compares nested objects structurally, ignoring key order', () => {
      expect(answersEqual({ r1: { a: 1, b: [1, 2] } }, { r1: { b: [1, 2], a: 1 } })).toBe(true);
      expect(answersEqual({ r1: { a: 1 } }, { r1: { a: 1, b: 2 } })).toBe(false);
    });

    it("takes a colleague's cleared cell when this device did not touch it", () => {
      const base = { m: { r1: { c: 1, d: 2 } } };
      const result = mergeAnswers(base, { m: { r1: { c: 1, d: 3 } } }, { m: { r1: { d: 2 } } });
      expect(result).toEqual({ merged: { m: { r1: { d: 3 } } }, conflicts: [] });
    });

    it('reports the question when one side cleared the whole grid and the other changed it', () => {
      const result = mergeAnswers({ m: { r1: { c: 1 } } }, {}, { m: { r1: { c: 2 } } });
      expect(result).toEqual({ merged: {}, conflicts: ['m'] });
    });

    it('does not merge piecewise when a value changes between object and scalar', () => {
      const result = mergeAnswers({ x: 1 }, { x: { a: 1 } }, { x: { b: 2 } });
      expect(result).toEqual({ merged: { x: { a: 1 } }, conflicts: ['x'] });
    });

    it('compares dynamic-matrix rows (arrays of objects) whole', () => {
      const base = { rows: [{ a: 1 }] };
      const result = mergeAnswers(base, { rows: [{ a: 1 }, { a: 2 }] }, { rows: [{ a: 9 }] });
      expect(result).toEqual({ merged: { rows: [{ a: 1 }, { a: 2 }] }, conflicts: ['rows'] });
    });
  });

  it('reports every conflicting question and leaves the inputs untouched', () => {
    const base = { a: 1, b: 1, c: [1], d: 'x' };
    const local = { a: 2, b: 2, c: [2], d: 'x' };
    const remote = { a: 3, b: 2, c: [3], d: 'y' };
    const frozen = JSON.stringify([base, local, remote]);
    const result = mergeAnswers(base, local, remote);
    expect(result.merged).toEqual({ a: 2, b: 2, c: [2], d: 'y' });
    expect(result.conflicts.sort()).toEqual(['a', 'c']);
    expect(JSON.stringify([base, local, remote])).toBe(frozen);
  });
});

describe('answersEqual', () => {
  it('treats 0 and -0 as the same answer and NaN as equal to itself', () => {
    expect(answersEqual(0, -0)).toBe(true);
    expect(answersEqual(Number.NaN, Number.NaN)).toBe(true);
  });

  it('distinguishes null, undefined, empty string and empty array', () => {
    expect(answersEqual(null, undefined)).toBe(false);
    expect(answersEqual('', undefined)).toBe(false);
    expect(answersEqual([], undefined)).toBe(false);
    expect(answersEqual([], {})).toBe(false);
  });
});
