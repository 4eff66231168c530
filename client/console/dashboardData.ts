import type { FieldingStatus, Group } from '../../server/contracts/fieldwork.js';

/**
 * The fielding dashboard's data: pure helpers that turn the answer of
 * `GET /api/staff/fieldings/:name/status` (server/contracts/fieldwork.ts) into table rows, chart
 * series (uPlot's aligned arrays) and the words of the charts' text alternatives. No React and no
 * uPlot here, so the console's main chunk stays small and test/client/dashboardData.test.ts runs it
 * under plain Node.
 */

export {
  type FieldingStatus,
  FieldingStatusSchema,
  GROUPS,
  type Group,
  RATE_NAMES as RATES,
} from '../../server/contracts/fieldwork.js';

/** The groups' names as a table explains them (server/fieldwork/rates.ts says which codes fall in each). */
export const GROUP_NAMES: Record<Group, string> = {
  I: 'Complete interviews',
  P: 'Partial interviews',
  R: 'Refusals and break-offs',
  NC: 'Non-contacts',
  O: 'Other eligible, no interview',
  UH: 'Unknown if eligible, never reached',
  UO: 'Unknown if eligible, undeliverable or other',
  NE: 'Not eligible',
};

export type Mailing = FieldingStatus['mailings'][number];

/** A share as the dashboard plots it: percent, one decimal's worth of precision kept. */
export const percentOf = (share: number | null): number | null =>
  share === null ? null : Math.round(share * 1000) / 10;

/** A share as the tables print it, e.g. "34.5%"; "—" where the rate has no denominator yet. */
export const formatPercent = (share: number | null): string => {
  const percent = percentOf(share);
  return percent === null ? '—' : `${percent.toFixed(1)}%`;
};

export const formatCount = (n: number) => n.toLocaleString('en-US');

/** The strata in the order the server lists them (the order of the frame's strata). */
export const strataOf = (status: FieldingStatus): string[] => status.strata.map((s) => s.stratum);

export type DispositionTable = {
  strata: string[];
  rows: { code: string; label: string; group: Group; count: number; byStratum: number[] }[];
  totals: { count: number; byStratum: number[] };
};

/** The disposition table: a row per disposition, a column per stratum (0 where absent), and totals. */
export function dispositionTable(status: FieldingStatus): DispositionTable {
  const strata = strataOf(status);
  const rows = status.dispositions.map((d) => ({
    code: d.code,
    label: d.label,
    group: d.group,
    count: d.count,
    byStratum: strata.map((s) => d.byStratum[s] ?? 0),
  }));
  return {
    strata,
    rows,
    totals: {
      count: rows.reduce((sum, r) => sum + r.count, 0),
      byStratum: strata.map((_, i) => rows.reduce((sum, r) => sum + (r.byStratum[i] ?? 0), 0)),
    },
  };
}

/** What a vertical line on the progress chart says, e.g. "Invitation" or "Reminder 2". */
export const mailingLabel = (m: Pick<Mailing, 'kind' | 'number'>) =>
  m.kind === 'invitation' ? 'Invitation' : `Reminder ${m.number}`;

export type Marker = { date: string; x: number; labels: string[]; sent: number };

/** UTC midnight of a day as uPlot's time scale counts (seconds since 1970). */
export const daySeconds = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

/**
 * One marker per day with mailings, its labels in sending order (the invitation before reminders):
 * an invitation sent in batches over two days marks both days, and two kinds on one day share a line.
 */
export function mailingMarkers(mailings: readonly Mailing[]): Marker[] {
  const sorted = [...mailings].sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      Number(a.kind === 'reminder') - Number(b.kind === 'reminder') ||
      a.number - b.number,
  );
  const markers: Marker[] = [];
  for (const m of sorted) {
    let marker = markers.at(-1);
    if (marker?.date !== m.date) {
      marker = { date: m.date, x: daySeconds(m.date), labels: [], sent: 0 };
      markers.push(marker);
    }
    const label = mailingLabel(m);
    if (!marker.labels.includes(label)) marker.labels.push(label);
    marker.sent += m.sent;
  }
  return markers;
}

const DAY = 86_400;

export type ProgressChart = {
  /** uPlot's aligned data: days (seconds), cumulative completes, RR1 in percent. */
  data: [number[], (number | null)[], (number | null)[]];
  markers: Marker[];
  /** The x range, wide enough for every day and every marker, half a day spare on each side. */
  range: [number, number];
  /** The top of the RR1 axis: the next 10% above the highest RR1, at least 10%. */
  rateMax: number;
};

/** Chart 1's series: cumulative completes and RR1 by day, with the mailing dates to mark. */
export function progressChart(status: FieldingStatus): ProgressChart {
  const days = [...status.byDay].sort((a, b) => a.date.localeCompare(b.date));
  const x = days.map((d) => daySeconds(d.date));
  const markers = mailingMarkers(status.mailings);
  const all = [...x, ...markers.map((m) => m.x)];
  const first = all.length ? Math.min(...all) : daySeconds(status.asOf.slice(0, 10));
  const last = all.length ? Math.max(...all) : first;
  const rates = days.map((d) => percentOf(d.rr1));
  const highest = Math.max(0, ...rates.map((r) => r ?? 0));
  return {
    data: [x, days.map((d) => d.completes), rates],
    markers,
    range: [first - DAY / 2, last + DAY / 2],
    rateMax: Math.min(100, Math.max(10, Math.ceil(highest / 10) * 10)),
  };
}

export type ProgressRow = { date: string; completes: number | null; rr1: number | null; mailings: string[] };

/** The table behind chart 1: every day plotted or marked, with what was mailed that day. */
export function progressRows(status: FieldingStatus): ProgressRow[] {
  const rows = new Map<string, ProgressRow>();
  for (const d of status.byDay) rows.set(d.date, { date: d.date, completes: d.completes, rr1: d.rr1, mailings: [] });
  for (const m of mailingMarkers(status.mailings)) {
    const row = rows.get(m.date) ?? { date: m.date, completes: null, rr1: null, mailings: [] };
    row.mailings = m.labels;
    rows.set(m.date, row);
  }
  return [...rows.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export type StrataChart = {
  labels: string[];
  /** uPlot's aligned data: stratum positions 0..n-1, RR1 and RR2 in percent. */
  data: [number[], (number | null)[], (number | null)[]];
};

/** Chart 2's series: RR1 and RR2 of each stratum, placed at 0, 1, 2 … on an ordinal x axis. */
export function strataChart(status: FieldingStatus): StrataChart {
  return {
    labels: strataOf(status),
    data: [
      status.strata.map((_, i) => i),
      status.strata.map((s) => percentOf(s.rates.RR1)),
      status.strata.map((s) => percentOf(s.rates.RR2)),
    ],
  };
}

/**
 * A stratum's name broken into lines that `fits` (the chart measures them), after a space or a
 * dash, so the names under the bars do not run into each other ("250,000–999,999" → "250,000–",
 * "999,999"). A single word too long for a line stays whole.
 */
export function wrapLabel(label: string, fits: (line: string) => boolean): string[] {
  const words = label.match(/[^\s–-]+[–-]?\s*|[–-]\s*/g) ?? [label];
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && !fits((line + word).trimEnd())) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += word;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines.length ? lines : [label];
}

const inWords = (share: number | null) => (share === null ? 'not yet known' : formatPercent(share));

/** The progress chart's text alternative: where the lines end and which mailings are marked. */
export function progressSummary(status: FieldingStatus): string {
  const days = [...status.byDay].sort((a, b) => a.date.localeCompare(b.date));
  const lastDay = days.at(-1);
  const markers = mailingMarkers(status.mailings);
  const marked = markers.length
    ? ` Vertical lines mark ${markers.map((m) => `${m.labels.join(' and ')} on ${m.date}`).join(', ')}.`
    : ' No mailings yet.';
  if (!lastDay) return `Line chart of completes and RR1 by day: no days of fieldwork yet.${marked}`;
  return (
    `Line chart of cumulative completes and RR1 by day, ${days[0]?.date} to ${lastDay.date}: ` +
    `${formatCount(lastDay.completes)} ${lastDay.completes === 1 ? 'complete' : 'completes'} and RR1 ` +
    `${inWords(lastDay.rr1)} on the last day.${marked}`
  );
}

/** The bar chart's text alternative: RR1 and RR2 of each stratum. */
export function strataSummary(status: FieldingStatus): string {
  if (status.strata.length === 0) return 'Bar chart of RR1 and RR2 by stratum: no strata.';
  const parts = status.strata.map((s) => `${s.stratum}: RR1 ${inWords(s.rates.RR1)}, RR2 ${inWords(s.rates.RR2)}`);
  return `Bar chart of RR1 and RR2 by stratum. ${parts.join('; ')}.`;
}
