import type { SurveyModel } from 'survey-core';
import { type ExportColumn, exportColumns } from './columns.js';
import type { VariableMap } from './schema.js';
import { deriveVariableName, type PartKind, partKey, resolveVariables, slug } from './variableMap.js';

/** SPSS and Stata refuse longer variable names. */
const MAX_NAME = 32;
/** A part longer than this is numbered before a question's own name is shortened. */
const LONG_PART = 10;
/** A stem shorter than this says too little: every part of the entry is numbered first. */
const SHORTEST_STEM = 8;
/** Each round fixes at least one entry; a survey needing more rounds than this is left to the checker. */
const MAX_ROUNDS = 200;

const PART_LETTER: Record<PartKind, string> = { row: 'r', column: 'c', item: 'i', choice: 'v' };

type Part = { kind: PartKind; raw: unknown };
type Named = Pick<ExportColumn, 'name' | 'entry' | 'table'>;

/** Every column of the survey under `map`, the parts each entry's names are made of, and its table keys. */
function layout(model: SurveyModel, map: VariableMap) {
  const resolved = resolveVariables(map);
  const parts = new Map<string, Map<string, Part>>();
  const { tables, columns } = exportColumns(model, {
    ...resolved,
    suffixOf(entry, kind, raw) {
      const own = parts.get(entry) ?? new Map<string, Part>();
      parts.set(entry, own);
      own.set(partKey(kind, raw), { kind, raw });
      return resolved.suffixOf(entry, kind, raw);
    },
  });
  // A table's own key (its entry number, `<table>_n`) is a column named after its question too.
  const keys: Named[] = tables.flatMap((t) =>
    t.entry === undefined ? [] : [{ name: t.key.at(-1) ?? `${t.name}_n`, entry: t.entry, table: t.name }],
  );
  const named: Named[] = [...columns, ...keys];
  return { columns: named, parts };
}

/** Numbers the parts of `entry` that `pick` selects (`r1`, `c2`, ...), never reusing a part it already has. */
function numberParts(map: VariableMap, entry: string, parts: Map<string, Part>, pick: (p: Part) => boolean): boolean {
  const current = map[entry];
  if (!current) return false;
  const given = { ...(current.parts ?? {}) };
  const taken = new Set([...Object.values(given), ...[...parts.values()].map((p) => slug(String(p.raw)))]);
  let changed = false;
  for (const [key, part] of parts) {
    if (given[key] !== undefined || !pick(part)) continue;
    let n = 1;
    while (taken.has(`${PART_LETTER[part.kind]}${n}`)) n++;
    given[key] = `${PART_LETTER[part.kind]}${n}`;
    taken.add(given[key]);
    changed = true;
  }
  if (changed) map[entry] = { ...current, parts: given };
  return changed;
}

/** Makes every column of `entry` fit 32 characters: long parts numbered, then its name shortened. */
function fitEntry(
  map: VariableMap,
  entry: string,
  names: string[],
  parts: Map<string, Part>,
  fixed: ReadonlySet<string>,
  used: Set<string>,
): boolean {
  if (numberParts(map, entry, parts, (p) => slug(String(p.raw)).length > LONG_PART)) return true;
  const stem = map[entry]?.name ?? entry;
  const tail = Math.max(...names.map((n) => n.length - stem.length));
  if (MAX_NAME - tail < SHORTEST_STEM && numberParts(map, entry, parts, () => true)) return true;
  if (fixed.has(entry)) return false;
  const name = deriveVariableName(stem, used, Math.max(1, MAX_NAME - tail));
  map[entry] = { ...(map[entry] ?? {}), name };
  used.add(name);
  return true;
}

/**
 * The variable map with every export column unique and at most 32 characters: parts too long for
 * a name are numbered, question names shortened, and the later of two questions that would give
 * the same column (a question `EVENTS_AF` and row `AF` of `EVENTS`) renamed with a number. Entries
 * in `fixed` (names a previous version gave) keep their names; only their new parts may be numbered.
 */
export function fitColumnNames(
  model: SurveyModel,
  initial: VariableMap,
  fixed: ReadonlySet<string>,
  reserved: ReadonlySet<string>,
): VariableMap {
  const map: VariableMap = structuredClone(initial);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { columns, parts } = layout(model, map);
    const used = new Set([...reserved, ...Object.values(map).map((e) => e.name), ...columns.map((c) => c.name)]);
    const byEntry = new Map<string, string[]>();
    for (const c of columns) byEntry.set(c.entry, [...(byEntry.get(c.entry) ?? []), c.name]);
    const tooLong = [...byEntry].filter(([, names]) => names.some((n) => n.length > MAX_NAME));
    if (tooLong.some(([entry, names]) => fitEntry(map, entry, names, parts.get(entry) ?? new Map(), fixed, used)))
      continue;
    const clash = firstClash(columns, reserved, fixed);
    if (!clash || !map[clash]) return map;
    map[clash] = { ...map[clash], name: deriveVariableName(map[clash].name, used) };
  }
  return map;
}

/** The entry to rename for the first column that another entry (or every export) already names. */
function firstClash(columns: Named[], reserved: ReadonlySet<string>, fixed: ReadonlySet<string>) {
  const owners = new Map<string, string>();
  for (const c of columns) {
    const at = `${c.table}\u0000${c.name}`;
    const owner = owners.get(at);
    // Every export adds flag_* columns of its own (soft checks).
    const taken = reserved.has(c.name) || c.name.startsWith('flag_') || (owner !== undefined && owner !== c.entry);
    if (taken) {
      if (!fixed.has(c.entry)) return c.entry;
      if (owner !== undefined && !fixed.has(owner)) return owner;
      continue;
    }
    owners.set(at, c.entry);
  }
  return undefined;
}
