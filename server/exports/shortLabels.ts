import type { ExportVariable } from './table.js';

/** Stata shows at most 80 characters of a variable label. */
export const SHORT_LABEL_CHARS = 80;

/** "b3_cases_2010_sex" -> question "B3", stem word "cases"; names without a question number give nothing. */
const NUMBERED = /^([a-z]{1,2}\d{1,2}[a-z]?)_([a-z]+)(?:_|$)/;

const chars = (text: string) => Array.from(text);
const cut = (text: string, max: number) => {
  const all = chars(text);
  return all.length <= max
    ? text
    : `${all
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
};

/** The short label a variable would get alone: question number, stem word, item; else its label. */
function shortOf(v: ExportVariable): string {
  const numbered = NUMBERED.exec(v.name);
  if (!numbered) return cut(v.label, SHORT_LABEL_CHARS);
  const [, question = '', word = ''] = numbered;
  const head = question.toUpperCase();
  if (v.item) return cut(`${head} ${word}: ${v.item}`, SHORT_LABEL_CHARS);
  return cut(`${head} ${v.label}`, SHORT_LABEL_CHARS);
}

/**
 * Every variable of a table with a short label (at most 80 characters) that no other variable of
 * the table has: "A6 staff: Attorneys (FTE)" for a grid item whose full label repeats the question's
 * 90-character stem. A label that would still repeat another's ends with the variable's name. A
 * variable that has a short label already keeps it unless another has the same.
 */
export function withShortLabels(variables: readonly ExportVariable[]): ExportVariable[] {
  const wanted = variables.map((v) => v.shortLabel ?? shortOf(v));
  const count = new Map<string, number>();
  for (const label of wanted) count.set(label, (count.get(label) ?? 0) + 1);
  const taken = new Set<string>();
  return variables.map((v, i) => {
    let label = wanted[i] as string;
    if ((count.get(label) ?? 0) > 1 || taken.has(label)) {
      const tag = ` [${v.name}]`;
      label = `${cut(label, SHORT_LABEL_CHARS - chars(tag).length)}${tag}`;
    }
    taken.add(label);
    return { ...v, shortLabel: label };
  });
}
