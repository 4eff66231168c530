import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  daySeconds,
  dispositionTable,
  type FieldingStatus,
  FieldingStatusSchema,
  formatPercent,
  mailingMarkers,
  progressChart,
  progressRows,
  progressSummary,
  RATES,
  strataChart,
  strataSummary,
  wrapLabel,
} from '../../client/console/dashboardData.js';
import type { FieldingStatus as ServerFieldingStatus } from '../../server/contracts/fieldwork.js';

const noRates = () => Object.fromEntries(RATES.map((r) => [r, null])) as FieldingStatus['overall']['rates'];
const counts = (c: Partial<FieldingStatus['overall']['counts']> = {}) => ({
  I: 0,
  P: 0,
  R: 0,
  NC: 0,
  O: 0,
  UH: 0,
  UO: 0,
  NE: 0,
  ...c,
});

/** A small fielding's status as the server answers it: two strata, six days, three mailings. */
function status(overrides: Partial<FieldingStatus> = {}): FieldingStatus {
  return {
    fielding: 'wave1',
    asOf: '2027-02-06T12:00:00.000Z',
    cases: 10,
    dispositions: [
      { code: '1.1', label: 'Complete', group: 'I', count: 3, byStratum: { small: 1, large: 2 } },
      { code: '2.11', label: 'Refusal', group: 'R', count: 2, byStratum: { small: 2 } },
      { code: '3.19', label: 'Nothing returned', group: 'UH', count: 4, byStratum: { small: 1, large: 3 } },
      { code: '4.10', label: 'Not eligible', group: 'NE', count: 1, byStratum: { large: 1 } },
    ],
    overall: { counts: counts({ I: 3, R: 2, UH: 4, NE: 1 }), rates: { ...noRates(), RR1: 3 / 9, RR2: 3 / 9 } },
    strata: [
      {
        stratum: 'small',
        cases: 4,
        counts: counts({ I: 1, R: 2, UH: 1 }),
        rates: { ...noRates(), RR1: 0.25, RR2: 0.5 },
      },
      {
        stratum: 'large',
        cases: 6,
        counts: counts({ I: 2, UH: 3, NE: 1 }),
        rates: { ...noRates(), RR1: 0.4, RR2: null },
      },
    ],
    e: { value: 0.8, method: 'default', explanation: '4 of 5 resolved cases are eligible.' },
    byDay: [
      { date: '2027-02-02', completes: 1, rr1: 1 / 9 },
      { date: '2027-02-01', completes: 0, rr1: 0 },
      { date: '2027-02-03', completes: 3, rr1: 3 / 9 },
    ],
    mailings: [
      { date: '2027-02-08', kind: 'reminder', number: 1, sent: 6 },
      { date: '2027-02-01', kind: 'invitation', number: 0, sent: 7 },
      { date: '2027-02-02', kind: 'invitation', number: 0, sent: 3 },
      { date: '2027-02-08', kind: 'invitation', number: 0, sent: 1 },
    ],
    ...overrides,
  };
}

describe('the status answer’s schema', () => {
  it('parses exactly the type the server’s contract declares (checked by the type checker)', () => {
    expectTypeOf<FieldingStatus>().toEqualTypeOf<ServerFieldingStatus>();
  });

  it('accepts the contract’s shape and refuses an answer missing one of the sixteen rates', () => {
    expect(FieldingStatusSchema.safeParse(status()).success).toBe(true);
    const { CON3: _dropped, ...fifteen } = status().overall.rates;
    const broken = { ...status(), overall: { counts: counts(), rates: fifteen } };
    expect(FieldingStatusSchema.safeParse(broken).success).toBe(false);
  });

  it('refuses a day that is not YYYY-MM-DD and a group AAPOR does not have', () => {
    expect(
      FieldingStatusSchema.safeParse(status({ byDay: [{ date: '2/1/2027', completes: 0, rr1: null }] })).success,
    ).toBe(false);
    const badGroup = { ...status(), dispositions: [{ code: '9', label: 'x', group: 'X', count: 1, byStratum: {} }] };
    expect(FieldingStatusSchema.safeParse(badGroup).success).toBe(false);
  });
});

describe('formatPercent', () => {
  it('prints a share as a percentage with one decimal, and a rate without denominator as a dash', () => {
    expect(formatPercent(3 / 9)).toBe('33.3%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.0005)).toBe('0.1%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('dispositionTable', () => {
  it('gives each disposition a count per stratum in the server’s stratum order, 0 where none, and totals both ways', () => {
    const table = dispositionTable(status());
    expect(table.strata).toEqual(['small', 'large']);
    expect(table.rows.map((r) => [r.code, r.count, ...r.byStratum])).toEqual([
      ['1.1', 3, 1, 2],
      ['2.11', 2, 2, 0],
      ['3.19', 4, 1, 3],
      ['4.10', 1, 0, 1],
    ]);
    expect(table.totals).toEqual({ count: 10, byStratum: [4, 6] });
  });
});

describe('mailingMarkers', () => {
  it('marks each mailing day once, in date order, naming the invitation before the reminders and summing the sent', () => {
    expect(mailingMarkers(status().mailings)).toEqual([
      { date: '2027-02-01', x: daySeconds('2027-02-01'), labels: ['Invitation'], sent: 7 },
      { date: '2027-02-02', x: daySeconds('2027-02-02'), labels: ['Invitation'], sent: 3 },
      { date: '2027-02-08', x: daySeconds('2027-02-08'), labels: ['Invitation', 'Reminder 1'], sent: 7 },
    ]);
  });

  it('places a day at its UTC midnight, whatever the machine’s zone', () => {
    expect(daySeconds('2027-02-01')).toBe(Date.UTC(2027, 1, 1) / 1000);
  });
});

describe('progressChart (chart 1’s uPlot data)', () => {
  it('aligns days, cumulative completes and RR1 in percent, sorted by day', () => {
    const { data } = progressChart(status());
    expect(data).toEqual([['2027-02-01', '2027-02-02', '2027-02-03'].map(daySeconds), [0, 1, 3], [0, 11.1, 33.3]]);
  });

  it('stretches the x range over the mailing dates too, half a day spare each side', () => {
    const { range, markers } = progressChart(status());
    expect(range).toEqual([daySeconds('2027-02-01') - 43_200, daySeconds('2027-02-08') + 43_200]);
    expect(markers.map((m) => m.labels.join('+'))).toEqual(['Invitation', 'Invitation', 'Invitation+Reminder 1']);
  });

  it('tops the RR1 axis at the next ten percent above the highest RR1, at least 10%', () => {
    expect(progressChart(status()).rateMax).toBe(40);
    expect(progressChart(status({ byDay: [{ date: '2027-02-01', completes: 0, rr1: null }] })).rateMax).toBe(10);
  });

  it('keeps a day whose RR1 has no denominator as a gap, not as 0', () => {
    const { data } = progressChart(status({ byDay: [{ date: '2027-02-01', completes: 0, rr1: null }] }));
    expect(data[2]).toEqual([null]);
  });

  it('has an x range around the status date before any fieldwork day or mailing', () => {
    const { data, range } = progressChart(status({ byDay: [], mailings: [] }));
    expect(data).toEqual([[], [], []]);
    expect(range).toEqual([daySeconds('2027-02-06') - 43_200, daySeconds('2027-02-06') + 43_200]);
  });
});

describe('progressRows (the table behind chart 1)', () => {
  it('lists every plotted day and every mailing day, with what was mailed', () => {
    expect(progressRows(status())).toEqual([
      { date: '2027-02-01', completes: 0, rr1: 0, mailings: ['Invitation'] },
      { date: '2027-02-02', completes: 1, rr1: 1 / 9, mailings: ['Invitation'] },
      { date: '2027-02-03', completes: 3, rr1: 3 / 9, mailings: [] },
      { date: '2027-02-08', completes: null, rr1: null, mailings: ['Invitation', 'Reminder 1'] },
    ]);
  });
});

describe('strataChart (chart 2’s uPlot data)', () => {
  it('puts the strata at 0, 1 … with RR1 and RR2 in percent, a missing rate left as a gap', () => {
    expect(strataChart(status())).toEqual({
      labels: ['small', 'large'],
      data: [
        [0, 1],
        [25, 40],
        [50, null],
      ],
    });
  });
});

describe('wrapLabel (stratum names under the bars)', () => {
  const upTo = (chars: number) => (line: string) => line.length <= chars;

  it('breaks a name after a space or a dash into lines that fit', () => {
    expect(wrapLabel('250,000–999,999', upTo(9))).toEqual(['250,000–', '999,999']);
    expect(wrapLabel('under 100,000', upTo(9))).toEqual(['under', '100,000']);
    expect(wrapLabel('under 100,000', upTo(20))).toEqual(['under 100,000']);
  });

  it('keeps a word too long for a line whole rather than cutting it', () => {
    expect(wrapLabel('1,000,000+', upTo(4))).toEqual(['1,000,000+']);
    expect(wrapLabel('Metropolitan districts', upTo(6))).toEqual(['Metropolitan', 'districts']);
  });
});

describe('the charts’ text alternatives', () => {
  it('summarizes chart 1 by its last day and names every marked mailing with its date', () => {
    expect(progressSummary(status())).toBe(
      'Line chart of cumulative completes and RR1 by day, 2027-02-01 to 2027-02-03: 3 completes and RR1 33.3% ' +
        'on the last day. Vertical lines mark Invitation on 2027-02-01, Invitation on 2027-02-02, ' +
        'Invitation and Reminder 1 on 2027-02-08.',
    );
    expect(progressSummary(status({ byDay: [], mailings: [] }))).toBe(
      'Line chart of completes and RR1 by day: no days of fieldwork yet. No mailings yet.',
    );
  });

  it('gives chart 2’s RR1 and RR2 of every stratum in words', () => {
    expect(strataSummary(status())).toBe(
      'Bar chart of RR1 and RR2 by stratum. small: RR1 25.0%, RR2 50.0%; large: RR1 40.0%, RR2 not yet known.',
    );
  });
});
