import { escapeHtml } from '../platform/html.js';
import type { Codebook, ValueLabel, Variable } from './build.js';

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

/** `frequencies`, for an export's codebook: per variable, the cases with each code. */
/** A column an export adds itself, as the export declares it. */
export type AddedColumn = {
  name: string;
  label: string;
  kind: 'numeric' | 'string';
  valueLabels: readonly ValueLabel[];
  missing: readonly ValueLabel[];
};

export function codebookHtml(
  cb: Omit<Codebook, 'variables'> & { versions?: string[]; variables: (Variable & { versions?: string[] })[] },
  frequencies?: Record<string, Record<string, number>>,
  /** Columns an export adds before the questions' (case keys, metadata, weights, flags). */
  added: readonly AddedColumn[] = [],
): string {
  // Data from several versions: which versions ask each variable (-8 in cases of the others).
  const versions = cb.versions && cb.versions.length > 1 ? cb.versions : undefined;
  const counts = (name: string) =>
    Object.entries(frequencies?.[name] ?? {})
      .map(([code, n]) => `${code}: ${n}`)
      .join('; ');
  const title = `Codebook: ${cb.instrument.title}`;
  const rows = (table: string) =>
    cb.variables
      .filter((v) => v.table === table)
      .map((v) => {
        const values = v.values.length > 0 ? codes(v.values) : rangeText(v);
        return `<tr><th scope="row"><code>${escapeHtml(v.name)}</code></th><td>${escapeHtml(v.label)}</td><td>${v.type} (${v.measure})</td><td>${escapeHtml(values)}</td><td>${escapeHtml(codes(v.missing))}</td><td>${escapeHtml(v.condition ?? 'always')}</td>${versions ? `<td>${escapeHtml((v.versions ?? versions).join(', '))}</td>` : ''}${frequencies ? `<td>${escapeHtml(counts(v.name))}</td>` : ''}</tr>`;
      })
      .join('\n');
  const addedSection =
    added.length === 0
      ? ''
      : `<section><h2>Columns the export adds</h2><p>Before the questions' variables, every row of <code>data</code> starts with these.</p>
<table><thead><tr><th scope="col">Variable</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Values</th><th scope="col">Missing</th></tr></thead>
<tbody>
${added.map((c) => `<tr><th scope="row"><code>${escapeHtml(c.name)}</code></th><td>${escapeHtml(c.label)}</td><td>${c.kind}</td><td>${escapeHtml(codes(c.valueLabels))}</td><td>${escapeHtml(codes(c.missing))}</td></tr>`).join('\n')}
</tbody></table></section>`;
  const tables = cb.tables
    .map(
      (
        t,
      ) => `<section><h2>Table <code>${escapeHtml(t.name)}</code></h2><p>${escapeHtml(t.description)} Key: ${escapeHtml(t.key.join(', '))}.</p>
<table><thead><tr><th scope="col">Variable</th><th scope="col">Label</th><th scope="col">Type</th><th scope="col">Values</th><th scope="col">Missing</th><th scope="col">Shown when</th>${versions ? '<th scope="col">In versions</th>' : ''}${frequencies ? '<th scope="col">Cases per code</th>' : ''}</tr></thead>
<tbody>
${rows(t.name)}
</tbody></table></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}thead th{background:#eef3f1}code{font-size:13px}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>
${[
  ...header(cb).slice(1),
  ...(versions
    ? [
        `The cases answered versions ${versions.join(', ')} (new responses use ${versions[0]}). A variable that the version a case answered lacks holds -8 there: "not in this version".`,
      ]
    : []),
]
  .map((l) => `<p>${escapeHtml(l)}</p>`)
  .join('\n')}
${addedSection}
${tables}
</main></body></html>
`;
}
