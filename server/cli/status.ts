import { parseArgs } from 'node:util';
import { createCaseDispositions } from '../casework/dispositionCache.js';
import type { FieldingStatus } from '../contracts/fieldwork.js';
import { GROUPS, RATE_NAMES } from '../contracts/fieldwork.js';
import { type Fraction, rateFractions } from '../fieldwork/rates.js';
import { fieldingStatus } from '../fieldwork/status.js';
import { createRepos } from '../repos.js';
import { type Command, required } from './io.js';

type Cell = string | number;

/** Columns padded to their widest cell: the first column left-aligned, the numbers right-aligned. */
export function textTable(header: readonly Cell[], rows: readonly (readonly Cell[])[], leftColumns = 1): string {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A denominator with e(UH+UO) is fractional: one decimal, whole numbers without. */
const amount = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const percentOf = ({ numerator, denominator }: Fraction) =>
  denominator > 0
    ? `${((numerator / denominator) * 100).toFixed(1)}% (${amount(numerator)}/${amount(denominator)})`
    : '—';

/** The status as a person reads it at a terminal: dispositions, group counts and rates by stratum, e. */
export function statusText(status: FieldingStatus): string {
  const strata = status.strata.map((s) => s.stratum);
  const columns = ['overall', ...strata];
  const dispositions = textTable(
    ['code', 'disposition', ...strata, 'total'],
    [
      ...status.dispositions.map((d) => [d.code, d.label, ...strata.map((s) => d.byStratum[s] ?? 0), d.count]),
      ['', 'all cases', ...status.strata.map((s) => s.cases), status.cases],
    ],
    2,
  );
  const countsOf = [status.overall.counts, ...status.strata.map((s) => s.counts)];
  const counts = textTable(
    ['group', ...columns],
    GROUPS.map((g) => [g, ...countsOf.map((c) => c[g])]),
  );
  // The fractions behind the JSON's rates, from the same counts and e, to show the counts of each.
  const fractionsOf = countsOf.map((c) => rateFractions(c, status.e.value));
  const rates = textTable(
    ['rate', ...columns],
    RATE_NAMES.map((r) => [r, ...fractionsOf.map((x) => percentOf(x[r]))]),
  );
  const mail = status.mailings.map(
    (m) => `  ${m.date}  ${m.kind === 'invitation' ? 'invitation' : `reminder ${m.number}`}: ${m.sent} sent`,
  );
  return [
    `${status.fielding}: ${status.cases} cases, as of ${status.asOf}`,
    '',
    'Final dispositions by stratum',
    dispositions,
    '',
    'AAPOR groups (I complete, P partial, R refusal/break-off, NC non-contact, O other, UH/UO unknown eligibility, NE not eligible)',
    counts,
    '',
    'Rates, with numerator/denominator (— where the denominator is 0)',
    rates,
    '',
    `${status.e.method === 'setting' ? 'e (staff setting)' : 'e (AAPOR default)'}: ${status.e.explanation}`,
    ...(mail.length > 0 ? ['', 'Mail sent', ...mail] : []),
  ].join('\n');
}

export const statusCommands: Record<string, Command> = {
  /** The fieldwork status the dashboard shows (GET /api/staff/fieldings/:name/status), at a terminal or as its JSON. */
  async status(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: { fielding: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const v = required({ fielding: values.fielding }, ['fielding']);
    const deps = runtime();
    try {
      const status = await fieldingStatus(
        {
          repos: createRepos(deps.db),
          dispositions: createCaseDispositions(deps.instruments),
          clock: deps.clock,
        },
        v.fielding as string,
      );
      io.out(values.json ? JSON.stringify(status, null, 2) : statusText(status));
    } finally {
      deps.db.close();
    }
  },
};
