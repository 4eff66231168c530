import { escapeHtml } from '../platform/html.js';
import type { Codebook, ValueLabel, Variable } from './build.js';
import { type CodebookData, designSection, prefillText, statisticsHtml, statisticsNotes } from './renderStatistics.js';
import type { GroupedVariable } from './statistics.js';

export type { CodebookData };

const codes = (list: readonly ValueLabel[]) => list.map((v) => `${v.code} = ${v.label}`).join('; ');

function rangeText(v: Variable): string {
  if (!v.range || (v.range.min === undefined && v.range.max === undefined)) return '';
  return `${v.range.min ?? '…'}–${v.range.max ?? '…'}`;
}

function header(cb: Codebook) {
  const i = cb.instrument;
  return [
    `${i.title} (${i.key})`,
    `Mode: ${i.mode === 'self' ? 'web self-completion' : 'interviewer'}.${i.referencePeriod ? ` Reference period: ${i.referencePeriod}.` : ''}`,
    `Estimated time: ${i.estimatedMinutes} minutes (${i.estimatedMinutesSource === 'metadata' ? 'metadata' : 'the estimate below'}); ${cb.reading.totalMinutes} minutes estimated from the text (${cb.reading.words} words, ${cb.reading.answers} answers: ${cb.reading.readingMinutes} min reading + ${cb.reading.answeringMinutes} min answering).`,
    `How the estimate is made: ${cb.reading.method}`,
    `Missing-value codes: ${codes(cb.missingCodes)}.`,
  ];
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function codebookMarkdown(cb: Codebook): string {
  const lines = [
    `# Codebook: ${cb.instrument.title}`,
    '',
    ...header(cb)
      .slice(1)
      .map((l) => `${l}  `),
    '',
  ];
  for (const table of cb.tables) {
    const vars = cb.variables.filter((v) => v.table === table.name);
    lines.push(
      `## Table \`${table.name}\` (${vars.length} variables)`,
      '',
      `${table.description} Key: ${table.key.join(', ')}.`,
      '',
    );
    lines.push('| variable | label | type | values | missing | shown when |', '|---|---|---|---|---|---|');
    for (const v of vars) {
      const values = v.values.length > 0 ? codes(v.values) : rangeText(v);
      lines.push(
        `| \`${v.name}\` | ${mdCell(v.label)} | ${v.type} (${v.measure}) | ${mdCell(values)} | ${mdCell(codes(v.missing))} | ${mdCell(v.condition ?? 'always')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A column an export adds itself, as the export declares it. */
export type AddedColumn = {
  name: string;
  label: string;
  kind: 'numeric' | 'string';
  valueLabels: readonly ValueLabel[];
  missing: readonly ValueLabel[];
};

type ListedVariable = Variable & { versions?: string[] };

/** The instructions and the prefill's source under a label, where the variable has them. */
function annotationsHtml(v: Pick<Variable, 'instructions' | 'prefill'>): string {
  const lines = [
    ...(v.instructions ? [`Instructions: ${v.instructions}`] : []),
    ...(v.prefill ? [prefillText(v.prefill)] : []),
  ];
  return lines.map((l) => `<br><small>${escapeHtml(l)}</small>`).join('');
}

/**
 * The rows of one table of variables. The items of a grid or a multi-select follow one heading row
 * that holds the question's stem and instructions (each its own <tbody>), listed by their item text.
 */
function variableRows(
  vars: readonly ListedVariable[],
  columns: number,
  cell: { versions?: (v: ListedVariable) => string; statistics?: (name: string) => string },
  groups: ReadonlyMap<string, GroupedVariable>,
): string {
  const row = (v: ListedVariable, label: string) => {
    const values = v.values.length > 0 ? codes(v.values) : rangeText(v);
    return `<tr><th scope="row"><code>${escapeHtml(v.name)}</code></th><td>${label}</td><td>${v.type} (${v.measure})</td><td>${escapeHtml(values)}</td><td>${escapeHtml(codes(v.missing))}</td><td>${escapeHtml(v.condition ?? 'always')}</td>${cell.versions ? `<td>${escapeHtml(cell.versions(v))}</td>` : ''}${cell.statistics ? `<td>${cell.statistics(v.name)}</td>` : ''}</tr>`;
  };
  const bodies: string[] = [];
  let open: string | undefined;
  let rows: string[] = [];
  const close = () => {
    if (rows.length > 0) bodies.push(`<tbody>\n${rows.join('\n')}\n</tbody>`);
    rows = [];
  };
  for (const v of vars) {
    const grouped = groups.get(v.name);
    const group = grouped?.group;
    if (group?.name !== open) {
      close();
      open = group?.name;
      if (group) {
        const kind =
          group.kind === 'multi' ? 'multi-select: one 0/1 variable per choice' : 'grid: one variable per row';
        rows.push(
          `<tr class="group"><th scope="rowgroup" colspan="${columns}">${escapeHtml(group.label)} <small>(<code>${escapeHtml(group.name)}</code>, ${kind})</small>${v.instructions ? `<br><small>${escapeHtml(`Instructions: ${v.instructions}`)}</small>` : ''}</th></tr>`,
        );
      }
    }
    const label = group
      ? `${escapeHtml(grouped?.item ?? v.label)}${v.prefill ? annotationsHtml({ prefill: v.prefill }) : ''}`
      : `${escapeHtml(v.label)}${annotationsHtml(v)}`;
    rows.push(row(v, label));
  }
  close();
  return bodies.join('\n');
}

/** A table an export writes beside the questions' tables, described by its own variables. */
export type AddedTable = {
  name: string;
  key: readonly string[];
  description: string;
  variables: readonly { name: string; label: string; kind: string }[];
};

export function codebookHtml(
  cb: Omit<Codebook, 'variables'> & { versions?: string[]; variables: ListedVariable[] },
  /** An export's: the data's frequencies and summaries, its design, and how its variables group. */
  data?: CodebookData,
  /** Columns an export adds before the questions' (case keys, metadata, weights, flags). */
  added: readonly AddedColumn[] = [],
  /** Tables an export adds that no question makes (a records export's restricted audit trail). */
  addedTables: readonly AddedTable[] = [],
): string {
  // Data from several versions: which versions ask each variable (-8 in cases of the others).
  const versions = cb.versions && cb.versions.length > 1 ? cb.versions : undefined;
  const weighted = data?.statistics.weight != null;
  const statistics = data ? (name: string) => statisticsHtml(data.statistics.variables[name], weighted) : undefined;
  const groups = new Map((data?.variables ?? []).map((v) => [v.name, v]));
  const title = `Codebook: ${cb.instrument.title}`;
  const statisticsHead = statistics ? '<th scope="col">Frequencies and statistics</th>' : '';
  const columns = 6 + (versions ? 1 : 0) + (statistics ? 1 : 0);
  const cells = {
    ...(versions ? { versions: (v: ListedVariable) => (v.versions ?? versions).join(', ') } : {}),
    ...(statistics ? { statistics } : {}),
  };
  const addedSection =
    added.length === 0
      ? ''
      : `<section><h2>Columns the export adds</h2><p>Before the questions' variables, every row of <code>data</code> starts with these.</p>
<table class="variables"><thead><tr><th scope="col">Variable</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Values</th><th scope="col">Missing</th>${statisticsHead}</tr></thead>
<tbody>
${added.map((c) => `<tr><th scope="row"><code>${escapeHtml(c.name)}</code></th><td>${escapeHtml(c.label)}</td><td>${c.kind}</td><td>${escapeHtml(codes(c.valueLabels))}</td><td>${escapeHtml(codes(c.missing))}</td>${statistics ? `<td>${statistics(c.name)}</td>` : ''}</tr>`).join('\n')}
</tbody></table></section>`;
  const tables = cb.tables
    .map(
      (
        t,
      ) => `<section><h2>Table <code>${escapeHtml(t.name)}</code></h2><p>${escapeHtml(t.description)} Key: ${escapeHtml(t.key.join(', '))}.</p>
<table class="variables"><thead><tr><th scope="col">Variable</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Values</th><th scope="col">Missing</th><th scope="col">Shown when</th>${versions ? '<th scope="col">In versions</th>' : ''}${t.name === 'main' ? statisticsHead : ''}</tr></thead>
${variableRows(
  cb.variables.filter((v) => v.table === t.name),
  t.name === 'main' ? columns : columns - (statistics ? 1 : 0),
  t.name === 'main' ? cells : { ...(cells.versions ? { versions: cells.versions } : {}) },
  groups,
)}
</table></section>`,
    )
    .join('\n');
  const addedTableSections = addedTables
    .map(
      (
        t,
      ) => `<section><h2>Table <code>${escapeHtml(t.name)}</code></h2><p>${escapeHtml(t.description)} Key: ${escapeHtml(t.key.join(', '))}.</p>
<table class="variables"><thead><tr><th scope="col">Variable</th><th scope="col">Label</th><th scope="col">Type</th></tr></thead>
<tbody>
${t.variables.map((v) => `<tr><th scope="row"><code>${escapeHtml(v.name)}</code></th><td>${escapeHtml(v.label)}</td><td>${v.kind}</td></tr>`).join('\n')}
</tbody></table></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#eef3f1}tr.group th{background:#f6f6f2}ul.freq{margin:0;padding-left:1.1rem;font-size:13px}ul.freq li.missing{color:#555}code{font-size:13px}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>
${[
  ...header(cb).slice(1),
  ...(versions
    ? [
        `The cases answered versions ${versions.join(', ')} (new responses use ${versions[0]}). A variable that the version a case answered lacks holds -8 there: "not in this version".`,
      ]
    : []),
  ...(data ? statisticsNotes(data.statistics) : []),
]
  .map((l) => `<p>${escapeHtml(l)}</p>`)
  .join('\n')}
${data ? designSection(data.design) : ''}
${addedSection}
${tables}
${addedTableSections}
</main></body></html>
`;
}
