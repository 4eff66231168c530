/**
 * The field-level difference between a record's answers before and after a save: one entry per
 * variable whose value changed, as record_changes stores it. Pure: the service writes the entries
 * in the same transaction as the save.
 *
 * Paths: a top-level answer is its name; an answer inside a repeating panel is
 * `panel[key=value].inner` when the instrument declares the panel's entry key (meta.panelKeys), so
 * removing or moving another entry does not change it, else `panel[n].inner` (1-based position).
 * Panels inside panels nest the same way. Any other value (a matrix, a checkbox list, a
 * multiple-text group) compares as one whole JSON value.
 */

export type Answers = Record<string, unknown>;

/** One changed variable; `undefined` is "no value" (stored as NULL). */
export type AnswerChange = { variable: string; old: unknown; new: unknown };

/** The record's repeating panels, by name, with the name of their entry key (null: by position). */
export type PanelShape = ReadonlyMap<string, string | null>;

type SurveyElement = {
  type?: unknown;
  name?: unknown;
  elements?: unknown;
  templateElements?: unknown;
  title?: unknown;
};

const elementsOf = (value: unknown): SurveyElement[] =>
  Array.isArray(value) ? value.filter((e): e is SurveyElement => typeof e === 'object' && e !== null) : [];

function walkElements(survey: Record<string, unknown>, visit: (e: SurveyElement) => void) {
  const walk = (elements: SurveyElement[]) => {
    for (const e of elements) {
      visit(e);
      walk(elementsOf(e.elements));
      walk(elementsOf(e.templateElements));
    }
  };
  for (const page of elementsOf(survey.pages)) walk(elementsOf(page.elements));
  walk(elementsOf(survey.elements));
}

/** Every repeating panel (paneldynamic) of a SurveyJS definition, at any depth, with its declared entry key. */
export function panelShape(
  survey: Record<string, unknown>,
  panelKeys: Readonly<Record<string, string>> = {},
): PanelShape {
  const panels = new Map<string, string | null>();
  walkElements(survey, (e) => {
    if (e.type === 'paneldynamic' && typeof e.name === 'string') panels.set(e.name, panelKeys[e.name] ?? null);
  });
  return panels;
}

/** Each question's title (the default-language text), by name, at any depth; a question without one has its name. */
export function questionTitles(survey: Record<string, unknown>): Map<string, string> {
  const titles = new Map<string, string>();
  walkElements(survey, (e) => {
    if (typeof e.name !== 'string' || e.type === 'panel') return;
    const title =
      typeof e.title === 'string'
        ? e.title
        : typeof e.title === 'object' &&
            e.title !== null &&
            typeof (e.title as { default?: unknown }).default === 'string'
          ? (e.title as { default: string }).default
          : e.name;
    titles.set(e.name, title);
  });
  return titles;
}

/** The question a change path ends in: `cf_defs[defendant_no=2].d_sentmo` -> `d_sentmo`. */
export function questionOfPath(variable: string): string {
  const last = variable.slice(variable.lastIndexOf('.') + 1);
  return last.replace(/\[.*$/, '');
}

const isEntry = (v: unknown): v is Answers => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEntryList = (v: unknown): v is Answers[] | undefined =>
  v === undefined || v === null || (Array.isArray(v) && v.every(isEntry));

/** JSON with object keys in order, so equal values compare equal however their keys were written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isEntry(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const noValue = (v: unknown) => v === undefined || v === null;
const sameValue = (a: unknown, b: unknown) => (noValue(a) && noValue(b)) || canonicalJson(a) === canonicalJson(b);

/** Keys of both, in the order the new answers have them, then the ones only the old answers had. */
function unionKeys(before: Answers, after: Answers): string[] {
  const keys = Object.keys(after);
  const seen = new Set(keys);
  for (const k of Object.keys(before)) if (!seen.has(k)) keys.push(k);
  return keys;
}

/** The entries of a panel by their path label; a key value seen twice falls back to the entry's position. */
function labelledEntries(path: string, entries: Answers[], key: string | null): Map<string, Answers> {
  const labelled = new Map<string, Answers>();
  entries.forEach((entry, i) => {
    const keyValue = key === null ? undefined : entry[key];
    const byKey =
      (typeof keyValue === 'number' || typeof keyValue === 'string') && `${path}[${key}=${String(keyValue)}]`;
    const label = byKey && !labelled.has(byKey) ? byKey : `${path}[${i + 1}]`;
    labelled.set(label, entry);
  });
  return labelled;
}

function diffPanel(
  path: string,
  key: string | null,
  before: Answers[],
  after: Answers[],
  shape: PanelShape,
  out: AnswerChange[],
) {
  const old = labelledEntries(path, before, key);
  const now = labelledEntries(path, after, key);
  const labels = [...now.keys(), ...[...old.keys()].filter((l) => !now.has(l))];
  for (const label of labels) diffObject(label, old.get(label) ?? {}, now.get(label) ?? {}, shape, out);
}

function diffObject(prefix: string, before: Answers, after: Answers, shape: PanelShape, out: AnswerChange[]) {
  for (const name of unionKeys(before, after)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const [b, a] = [before[name], after[name]];
    if (shape.has(name) && isEntryList(b) && isEntryList(a)) {
      diffPanel(path, shape.get(name) ?? null, b ?? [], a ?? [], shape, out);
    } else if (!sameValue(b, a)) {
      out.push({ variable: path, old: noValue(b) ? undefined : b, new: noValue(a) ? undefined : a });
    }
  }
}

/** Every variable whose value differs between the two sets of answers, in the order of the new answers. */
export function answerChanges(before: Answers, after: Answers, shape: PanelShape): AnswerChange[] {
  const out: AnswerChange[] = [];
  diffObject('', before, after, shape, out);
  return out;
}

/** A change as record_changes stores it: JSON text, NULL for no value. */
export function storedChange(change: AnswerChange) {
  return {
    variable: change.variable,
    oldValue: change.old === undefined ? null : JSON.stringify(change.old),
    newValue: change.new === undefined ? null : JSON.stringify(change.new),
  };
}

/** The path of a status change (in_progress -> final, final -> in_progress, ...). */
export const STATUS_VARIABLE = '(status)';
