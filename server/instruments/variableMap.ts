import type {
  ItemValue,
  MatrixDropdownColumn,
  Question,
  QuestionBooleanModel,
  QuestionMatrixDropdownModelBase,
  QuestionMatrixModel,
  QuestionRatingModel,
  QuestionSelectBase,
} from 'survey-core';
import { type ChoiceValue, QUESTION_NAME, type VariableMap } from './schema.js';

/** Codes with a study-wide meaning (spec: Conventions) that an import gives to SurveyJS's special items. */
export const REFUSE_CODE = -6;
export const DONT_KNOW_CODE = -7;

/** Question types that hold no answer of their own. */
const DISPLAY_ONLY = new Set(['html', 'image', 'panel']);

/** One set of choices that needs numeric codes: a question's, or a matrix column's own. */
export type ChoiceSet = {
  /** The map key: the question name, or `<question>/<column>` for a column with its own choices. */
  key: string;
  question: string;
  items: { value: ChoiceValue; text: string; special?: 'refuse' | 'dontknow' }[];
};

const valueKey = (value: unknown) => `${typeof value}:${String(value)}`;
const isScalar = (v: unknown): v is ChoiceValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function itemsOf(list: ItemValue[] | undefined): ChoiceSet['items'] {
  return (list ?? []).filter((i) => isScalar(i.value)).map((i) => ({ value: i.value as ChoiceValue, text: i.text }));
}

/** The choices of a select-type question, with the special items SurveyJS adds when asked to. */
function selectItems(q: Question): ChoiceSet['items'] {
  const select = q as QuestionSelectBase;
  const items = itemsOf(select.choices);
  const special = (shown: string, item: string, kind?: 'refuse' | 'dontknow') => {
    if (!q.getPropertyValue(shown)) return;
    const value = (select as unknown as Record<string, ItemValue | undefined>)[item]?.value;
    if (isScalar(value)) items.push({ value, text: String(value), ...(kind ? { special: kind } : {}) });
  };
  special('showOtherItem', 'otherItem');
  special('showNoneItem', 'noneItem');
  special('showRefuseItem', 'refuseItem', 'refuse');
  special('showDontKnowItem', 'dontKnowItem', 'dontknow');
  return items;
}

function ratingItems(q: QuestionRatingModel): ChoiceSet['items'] {
  const explicit = itemsOf(q.rateValues as ItemValue[]);
  if (explicit.length > 0) return explicit;
  const items: ChoiceSet['items'] = [];
  const step = q.rateStep > 0 ? q.rateStep : 1;
  for (let v = q.rateMin; v <= q.rateMax && items.length < 1000; v += step) items.push({ value: v, text: String(v) });
  return items;
}

function booleanItems(q: Question): ChoiceSet['items'] {
  const b = q as QuestionBooleanModel;
  const yes = isScalar(b.valueTrue) ? b.valueTrue : true;
  const no = isScalar(b.valueFalse) ? b.valueFalse : false;
  return [
    { value: yes as ChoiceValue, text: 'Yes' },
    { value: no as ChoiceValue, text: 'No' },
  ];
}

const SELECT_TYPES = new Set(['radiogroup', 'dropdown', 'checkbox', 'tagbox', 'imagepicker', 'ranking']);

/** Every set of choices of one question that an export codes, in questionnaire order. */
export function choiceSetsOf(q: Question): ChoiceSet[] {
  const type = q.getType();
  const question = q.name;
  if (SELECT_TYPES.has(type)) return [{ key: question, question, items: selectItems(q) }];
  if (type === 'rating') return [{ key: question, question, items: ratingItems(q as QuestionRatingModel) }];
  if (type === 'boolean') return [{ key: question, question, items: booleanItems(q) }];
  if (type === 'matrix') return [{ key: question, question, items: itemsOf((q as QuestionMatrixModel).columns) }];
  if (type !== 'matrixdropdown' && type !== 'matrixdynamic') return [];
  const matrix = q as QuestionMatrixDropdownModelBase;
  const sets: ChoiceSet[] = [];
  const shared = itemsOf(matrix.choices as ItemValue[]);
  if (shared.length > 0) sets.push({ key: question, question, items: shared });
  for (const column of matrix.columns as MatrixDropdownColumn[]) {
    const cell = column.templateQuestion;
    const cellType = cell.getType();
    const own =
      cellType === 'boolean'
        ? booleanItems(cell)
        : cellType === 'rating'
          ? ratingItems(cell as QuestionRatingModel)
          : SELECT_TYPES.has(cellType)
            ? itemsOf(cell.getPropertyValue('choices') as ItemValue[])
            : [];
    if (own.length > 0) sets.push({ key: `${question}/${column.name}`, question, items: own });
  }
  return sets;
}

/** Questions that get a variable name: all but display-only elements. */
export const hasVariable = (q: Question) => !DISPLAY_ONLY.has(q.getType());

/** Text as the characters of a variable name: accents dropped, lower case, runs of others as one `_`. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * A valid, unused variable name of at most `max` characters made from a SurveyJS question name.
 * Every export adds `flag_*` columns of its own, so a name starting so gets a `q_` in front.
 */
export function deriveVariableName(raw: string, used: ReadonlySet<string>, max = 32): string {
  let base = slug(raw);
  if (!/^[a-z]/.test(base) || base.startsWith('flag_')) base = base ? `q_${base}` : 'q';
  base = base.slice(0, max).replace(/_+$/, '');
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const name = `${base.slice(0, max - suffix.length).replace(/_+$/, '')}${suffix}`;
    if (!used.has(name)) return name;
  }
}

/** The code an import gives a value it has not coded before, or undefined to number it in order. */
function naturalCode(item: ChoiceSet['items'][number]): number | undefined {
  if (item.special === 'refuse') return REFUSE_CODE;
  if (item.special === 'dontknow') return DONT_KNOW_CODE;
  const { value } = item;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,9}$/.test(value)) return Number(value);
  return undefined;
}

function codeSet(set: ChoiceSet, previous: VariableMap[string] | undefined): { value: ChoiceValue; code: number }[] {
  const codes = [...(previous?.codes ?? [])];
  const known = new Set(codes.map((c) => valueKey(c.value)));
  const used = new Set(codes.map((c) => c.code));
  const pending: ChoiceSet['items'] = [];
  for (const item of set.items) {
    if (known.has(valueKey(item.value))) continue;
    known.add(valueKey(item.value));
    const natural = naturalCode(item);
    if (natural !== undefined && !used.has(natural)) {
      codes.push({ value: item.value, code: natural });
      used.add(natural);
    } else pending.push(item);
  }
  // New values are numbered after every code ever given, so a removed choice's code is never reused.
  let next = Math.max(0, ...used) + 1;
  for (const item of pending) {
    codes.push({ value: item.value, code: next });
    used.add(next++);
  }
  return codes;
}

/**
 * The variable map of a survey: a variable name per question (kept when valid, otherwise derived,
 * unique) and a numeric code per choice value (integers kept, booleans 1/0, other values numbered
 * in order). Built on `previous`, the map of the version before, whose names and codes it keeps.
 */
export function deriveVariableMap(
  questions: Question[],
  previous: VariableMap = {},
  reserved: ReadonlySet<string> = new Set(),
): VariableMap {
  const map: VariableMap = {};
  // Names already taken: every name of the previous version, so none is given to another question,
  // and the columns every export adds itself.
  const used = new Set([...reserved, ...Object.values(previous).map((e) => e.name)]);
  for (const [key, entry] of Object.entries(previous)) map[key] = { ...entry };
  const fresh = questions.filter((q) => hasVariable(q) && !map[q.name]);
  // Valid names are kept first, so a derived name never takes the name of a question that has it.
  for (const q of fresh) {
    if (QUESTION_NAME.test(q.name) && !used.has(q.name)) {
      used.add(q.name);
      map[q.name] = { name: q.name };
    }
  }
  for (const q of fresh) {
    if (map[q.name]) continue;
    const name = deriveVariableName(q.name, used);
    used.add(name);
    map[q.name] = { name };
  }
  for (const q of questions) {
    for (const set of choiceSetsOf(q)) {
      const codes = codeSet(set, map[set.key]);
      map[set.key] = { ...(map[set.key] ?? { name: map[q.name]?.name ?? q.name }), codes };
    }
  }
  return map;
}

/** Where a newer version's map breaks a name or code the older one gave. */
export function mapChangeProblems(older: VariableMap, newer: VariableMap): string[] {
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(older)) {
    const now = newer[key];
    if (!now) {
      problems.push(
        `meta.variables has no entry for "${key}", which the previous version maps to ${entry.name}: keep it`,
      );
      continue;
    }
    if (now.name !== entry.name) {
      problems.push(`meta.variables renames "${key}" from ${entry.name} to ${now.name}: keep the previous name`);
    }
    for (const [part, suffix] of Object.entries(entry.parts ?? {})) {
      if (now.parts?.[part] !== suffix) {
        problems.push(
          `meta.variables gives "${key}" ${part} the column suffix ${now.parts?.[part] ?? 'of its own value'} where the previous version gave ${suffix}: keep the previous suffix`,
        );
      }
    }
    const nowCodes = new Map((now.codes ?? []).map((c) => [valueKey(c.value), c.code]));
    for (const c of entry.codes ?? []) {
      const code = nowCodes.get(valueKey(c.value));
      if (code !== c.code) {
        problems.push(
          `meta.variables gives "${key}" value ${JSON.stringify(c.value)} ${code === undefined ? 'no code' : `the code ${code}`} where the previous version gave ${c.code}: keep the previous code (a removed choice keeps its code too)`,
        );
      }
    }
  }
  return problems;
}

/** What a part of a column name stands for, after the question's own name. */
export type PartKind = 'row' | 'column' | 'item' | 'choice';

/** How `parts` of a map entry name one part: `row:<value>`, `column:<name>`, `item:<name>`, `choice:<code>`. */
export const partKey = (kind: PartKind, raw: unknown) => `${kind}:${String(raw)}`;

/** Names and codes of an instrument: its map, or the identity for instruments written to the conventions. */
export type ResolvedVariables = {
  nameOf(question: string): string;
  /**
   * The part a row, column, item or choice code of the map entry `entry` adds to a variable name.
   * Mapped instruments derive it from any value SurveyJS allows, or take the entry's `parts` where
   * the import numbered a part too long for a 32-character name; instruments written to the
   * conventions use the value as it is, so the checker can ask their authors for valid ones.
   */
  suffixOf(entry: string, kind: PartKind, raw: unknown): string;
  /** The code of a choice value of a question (or `<question>/<column>`), or undefined if it has none. */
  codeOf(key: string, value: unknown): number | undefined;
};

export function resolveVariables(map: VariableMap | undefined): ResolvedVariables {
  if (!map) {
    return {
      nameOf: (question) => question,
      suffixOf: (_entry, _kind, raw) => String(raw),
      codeOf: (_key, value) =>
        typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : undefined,
    };
  }
  const codes = new Map<string, Map<string, number>>();
  for (const [key, entry] of Object.entries(map)) {
    codes.set(key, new Map((entry.codes ?? []).map((c) => [valueKey(c.value), c.code])));
  }
  return {
    nameOf: (question) => map[question]?.name ?? question,
    suffixOf: (entry, kind, raw) => {
      const numbered = map[entry]?.parts?.[partKey(kind, raw)];
      if (numbered !== undefined) return numbered;
      const text = typeof raw === 'number' && raw < 0 ? `n${-raw}` : String(raw);
      return slug(text) || 'x';
    },
    codeOf: (key, value) => {
      const own = codes.get(key)?.get(valueKey(value));
      if (own !== undefined) return own;
      // A column without choices of its own uses the matrix's shared choices.
      const slash = key.indexOf('/');
      return slash > 0 ? codes.get(key.slice(0, slash))?.get(valueKey(value)) : undefined;
    },
  };
}
