import { describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../server/contracts/dispositions.js';
import { RATE_NAMES } from '../../server/contracts/fieldwork.js';
import {
  computeRates,
  emptyCounts,
  estimateEligibility,
  type GroupCounts,
  groupCounts,
  groupOf,
  type Rates,
} from '../../server/fieldwork/rates.js';

/**
 * A fielding of 129 offices, counted by final disposition:
 * 40 complete (1.1), 10 partial (1.2), 15 refused (2.11), 5 broke off (2.12), 8 non-contacts
 * (2.20), 4 other (2.31), 20 nothing returned (3.19), 5 not invited (3.11), 10 undeliverable
 * (3.30), 12 not eligible (4.10).
 * Groups: I 40, P 10, R 20, NC 8, O 4, UH 25, UO 10, NE 12; I+P = 50, R+NC+O = 32, UH+UO = 35.
 */
const BY_CODE: [string, number][] = [
  ['1.1', 40],
  ['1.2', 10],
  ['2.11', 15],
  ['2.12', 5],
  ['2.20', 8],
  ['2.31', 4],
  ['3.19', 20],
  ['3.11', 5],
  ['3.30', 10],
  ['4.10', 12],
];
const COUNTS: GroupCounts = { I: 40, P: 10, R: 20, NC: 8, O: 4, UH: 25, UO: 10, NE: 12 };

/** Each rate to 12 decimals, so a wrong denominator cannot hide in rounding. */
function expectRates(actual: Rates, expected: Rates) {
  expect(Object.keys(actual).sort()).toEqual([...RATE_NAMES].sort());
  for (const name of RATE_NAMES) {
    const want = expected[name];
    if (want === null) expect(actual[name], name).toBeNull();
    else expect(actual[name], name).toBeCloseTo(want, 12);
  }
}

describe('groupOf', () => {
  it('puts every disposition this platform derives into its AAPOR group', () => {
    expect(Object.values(DISPOSITIONS).map((d) => [d.code, groupOf(d.code)])).toEqual([
      ['1.1', 'I'],
      ['1.2', 'P'],
      ['2.11', 'R'],
      ['2.12', 'R'],
      ['3.11', 'UH'],
      ['3.19', 'UH'],
      ['3.30', 'UO'],
      ['4.10', 'NE'],
    ]);
  });

  it('groups finer codes by their first digit after the point (2.2x NC, 2.3x–2.9x O, 3.2x–3.9x UO, 4.x NE)', () => {
    expect(['2.20', '2.25', '2.31', '2.90', '3.20', '3.90', '4.0', '4.70'].map(groupOf)).toEqual([
      'NC',
      'NC',
      'O',
      'O',
      'UO',
      'UO',
      'NE',
      'NE',
    ]);
  });

  it('refuses what is not a final disposition code', () => {
    for (const bad of ['', '1', '1.3', '5.1', '0.1', 'complete', '2.x']) {
      expect(() => groupOf(bad), bad).toThrow(/not an AAPOR final disposition code/);
    }
  });

  it('sums the counts of codes into groups', () => {
    expect(groupCounts(BY_CODE)).toEqual(COUNTS);
  });
});

describe('estimateEligibility (e)', () => {
  it('by default is the eligible share among the resolved cases, explained with its counts', () => {
    // Eligible I+P+R+NC+O = 82; resolved = 82 + NE 12 = 94.
    const e = estimateEligibility(COUNTS);
    expect(e.value).toBeCloseTo(82 / 94, 12);
    expect(e).toMatchObject({
      method: 'default',
      explanation:
        'e = 82 eligible / 94 resolved cases (AAPOR default: eligible share among cases of known eligibility)',
    });
  });

  it('takes the staff setting when there is one, and still says what the default would be', () => {
    expect(estimateEligibility(COUNTS, 0.5)).toEqual({
      value: 0.5,
      method: 'setting',
      explanation: 'e = 0.5 (set by staff for this fielding; the default would be 82 eligible / 94 resolved cases)',
    });
    expect(estimateEligibility(COUNTS, null).method).toBe('default');
  });

  it('is 1 when no case is resolved yet, and says so', () => {
    const e = estimateEligibility({ ...emptyCounts(), UH: 30, UO: 2 });
    expect(e.value).toBe(1);
    expect(e.method).toBe('default');
    expect(e.explanation).toMatch(/^e = 1: no case has a known eligibility yet/);
  });

  it('is 0 when every resolved case is ineligible', () => {
    expect(estimateEligibility({ ...emptyCounts(), NE: 3, UH: 4 }).value).toBe(0);
  });

  it('refuses a setting outside 0..1', () => {
    expect(() => estimateEligibility(COUNTS, 1.2)).toThrow(/0\.\.1/);
  });
});

describe('computeRates', () => {
  it('computes every rate of the Standard Definitions with the default e = 82/94', () => {
    // I+P+R+NC+O + e(UH+UO) = 82 + 35 × 82/94 = (82 × 47 + 35 × 41) / 47 = 5289/47.
    expectRates(computeRates(COUNTS, 82 / 94), {
      RR1: 40 / 117,
      RR2: 50 / 117,
      RR3: 1880 / 5289, // 40 × 47 / 5289
      RR4: 2350 / 5289, // 50 × 47 / 5289
      RR5: 40 / 82,
      RR6: 50 / 82,
      COOP1: 40 / 74, // (I+P)+R+O = 50 + 20 + 4
      COOP2: 50 / 74,
      COOP3: 40 / 70, // (I+P)+R = 50 + 20
      COOP4: 50 / 70,
      REF1: 20 / 117,
      REF2: 940 / 5289, // 20 × 47 / 5289
      REF3: 20 / 82,
      CON1: 74 / 117, // contacted (I+P)+R+O = 74; + NC 8 + UH+UO 35 = 117
      CON2: 3478 / 5289, // 74 × 47 / 5289
      CON3: 74 / 82,
    });
  });

  it('computes the e-dependent rates with a set e = 0.5', () => {
    // 82 + 0.5 × 35 = 99.5 = 199/2.
    expectRates(computeRates(COUNTS, 0.5), {
      RR1: 40 / 117,
      RR2: 50 / 117,
      RR3: 80 / 199,
      RR4: 100 / 199,
      RR5: 40 / 82,
      RR6: 50 / 82,
      COOP1: 40 / 74,
      COOP2: 50 / 74,
      COOP3: 40 / 70,
      COOP4: 50 / 70,
      REF1: 20 / 117,
      REF2: 40 / 199,
      REF3: 20 / 82,
      CON1: 74 / 117,
      CON2: 148 / 199,
      CON3: 74 / 82,
    });
  });

  it('leaves ineligible cases out of every denominator', () => {
    expect(computeRates({ ...COUNTS, NE: 1000 }, 82 / 94)).toEqual(computeRates(COUNTS, 82 / 94));
  });

  it('answers null, never NaN, for every rate whose denominator is 0', () => {
    const none = Object.fromEntries(RATE_NAMES.map((n) => [n, null])) as Rates;
    expectRates(computeRates(emptyCounts(), 1), none);
    expectRates(computeRates({ ...emptyCounts(), NE: 5 }, 0), none);
  });

  it('at the start of a fielding (only unknowns) gives 0 for the rates over all cases and null for the rest', () => {
    expectRates(computeRates({ ...emptyCounts(), UH: 20, UO: 5 }, 1), {
      RR1: 0,
      RR2: 0,
      RR3: 0,
      RR4: 0,
      RR5: null,
      RR6: null,
      COOP1: null,
      COOP2: null,
      COOP3: null,
      COOP4: null,
      REF1: 0,
      REF2: 0,
      REF3: null,
      CON1: 0,
      CON2: 0,
      CON3: null,
    });
  });

  it('with e = 0 the estimated rates drop the unknowns like RR5, REF3 and CON3', () => {
    const rates = computeRates(COUNTS, 0);
    expect(rates.RR3).toBeCloseTo(40 / 82, 12);
    expect(rates.REF2).toBeCloseTo(20 / 82, 12);
    expect(rates.CON2).toBeCloseTo(74 / 82, 12);
  });
});
