import { escapeHtml } from '../platform/html.js';
import type { Prefill } from './build.js';
import type {
  CodebookStatistics,
  Count,
  DesignSummary,
  FrequencyRow,
  GroupedVariable,
  VariableStatistics,
} from './statistics.js';

/** What an export adds to its codebook: the data's statistics, its design, and how its variables group. */
export type CodebookData = {
  statistics: CodebookStatistics;
  design: DesignSummary;
  /** The table's variables with their `group` and `item` (dataset.ts), in the data's order. */
  variables: readonly GroupedVariable[];
};

const figure = (x: number | null | undefined, decimals = 1) =>
  x === null || x === undefined ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: decimals });
const count = (n: Count) => (typeof n === 'number' ? n.toLocaleString('en-US') : n);

/** Where a prefilled value came from, in words; a state FIPS code says so, as the data holds a number. */
export function prefillText(prefill: Prefill): string {
  const from = `Prefilled from the frame column \`${prefill.column}\` (transform ${prefill.transform})`;
  const what =
    prefill.transform === 'state_fips'
      ? "State FIPS code (from the frame's USPS state): the value is the state's 2-digit FIPS code"
      : prefill.transform === 'integer'
        ? "the frame's number"
        : "the frame's text";
  return `${from}: ${what}; the respondent could correct it.`;
}

/**
 * A variable's frequencies as a list, one item per code: "1 Chief or elected prosecutor: n 2,
 * 100 %, valid 100 %; weighted n 2, 100 %, valid 100 %". A list, not a table: the codebook of a
 * national instrument has thousands of these lines, and a cell per figure made the page too heavy
 * for assistive technology and checkers alike (8 cells a line); data.xlsx's frequencies sheet has the
 * figures in columns to sort and filter.
 */
function frequencyTable(rows: readonly FrequencyRow[], weighted: boolean): string {
  const items = rows
    .map((r) => {
      const own = `n ${escapeHtml(count(r.n))}, ${figure(r.percent)} %, valid ${figure(r.validPercent)} %`;
      const byWeight = weighted
        ? `; weighted n ${figure(r.weightedN)}, ${figure(r.weightedPercent)} %, valid ${figure(r.weightedValidPercent)} %`
        : '';
      return `<li${r.missing ? ' class="missing"' : ''}><code>${r.code}</code> ${escapeHtml(r.label || '(no label)')}: ${own}${byWeight}</li>`;
    })
    .join('');
  return `<ul class="freq">${items}</ul>`;
}

const missingLine = (rows: readonly FrequencyRow[]) =>
  rows.length === 0
    ? ''
    : `<br>Missing: ${rows.map((r) => `${r.code} ${escapeHtml(r.label)}: ${escapeHtml(count(r.n))}`).join('; ')}`;

/** The frequencies of a coded variable, or the summary of a number, a date-time or a text. */
export function statisticsHtml(s: VariableStatistics | undefined, weighted: boolean): string {
  if (!s) return '';
  switch (s.kind) {
    case 'categorical':
      return frequencyTable(s.frequencies, weighted);
    case 'number': {
      const parts = [
        `n ${escapeHtml(count(s.n))}`,
        `mean ${figure(s.mean, 4)}`,
        `SD ${figure(s.sd, 4)}`,
        `min ${figure(s.min, 4)}`,
        `max ${figure(s.max, 4)}`,
        ...(s.weightedMean !== undefined ? [`weighted mean ${figure(s.weightedMean, 4)}`] : []),
      ];
      return `${parts.join('; ')}${missingLine(s.missing)}`;
    }
    case 'datetime':
      return `n ${escapeHtml(count(s.n))}; first ${s.min ?? '—'}; last ${s.max ?? '—'}${missingLine(s.missing)}`;
    case 'text':
      return `n ${escapeHtml(count(s.n))} with a text${missingLine(s.missing)}`;
    case 'key':
      return `n ${escapeHtml(count(s.n))}; a key, one value per row`;
  }
}

/** The statistics' own notes: what the weighted figures are, and which counts are withheld. */
export function statisticsNotes(statistics: CodebookStatistics): string[] {
  return [
    `Frequencies and summaries of the ${statistics.rows.toLocaleString('en-US')} rows of the data: % is of all rows, valid % of the rows holding a valid (non-missing) value; a number's n, mean, SD, min and max leave out its missing codes.`,
    ...(statistics.weight ? [statistics.weight.note] : []),
    ...(statistics.suppression ? [statistics.suppression.note] : []),
  ];
}

/** The "Weights and design" section: the design columns, how to declare the design, and the strata. */
export function designSection(design: DesignSummary): string {
  if (design.columns.length === 0 && design.strata.length === 0) return '';
  const columns = design.columns
    .map((c) => `<tr><th scope="row"><code>${escapeHtml(c.name)}</code></th><td>${escapeHtml(c.meaning)}</td></tr>`)
    .join('\n');
  const files =
    design.files.length > 0
      ? ` ${design.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')} in this bundle declare it (R survey, Stata svyset, SPSS Complex Samples).`
      : '';
  const has = (key: 'code' | 'frameN' | 'completes' | 'wt_nr') => design.strata.some((s) => s[key] !== undefined);
  const head = [
    ...(has('code') ? ['Code'] : []),
    'Stratum',
    ...(has('frameN') ? ['Frame N'] : []),
    ...(has('completes') ? ['Completes'] : []),
    ...(has('wt_nr') ? ['wt_nr'] : []),
  ];
  const strata = design.strata
    .map((s) => {
      const cells = [
        ...(has('code') ? [`<td>${s.code ?? '—'}</td>`] : []),
        `<th scope="row">${escapeHtml(s.label)}</th>`,
        ...(has('frameN') ? [`<td>${figure(s.frameN, 0)}</td>`] : []),
        ...(has('completes') ? [`<td>${s.completes === undefined ? '—' : escapeHtml(count(s.completes))}</td>`] : []),
        ...(has('wt_nr') ? [`<td>${figure(s.wt_nr, 4)}</td>`] : []),
      ];
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const strataTable =
    design.strata.length === 0
      ? ''
      : `<h3>Strata</h3><table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${strata}
</tbody></table>`;
  return `<section id="design"><h2>Weights and design</h2>
<table><thead><tr><th scope="col">Variable</th><th scope="col">Meaning</th></tr></thead>
<tbody>
${columns}
</tbody></table>
<p>${escapeHtml(design.declaration)}${files}</p>
${strataTable}</section>`;
}
