/**
 * Three-way merge of survey answers, used when a colleague with the same office link saved since
 * this device last did. `base` is what the server last acknowledged to this device, `local` is what
 * the person sees now, `remote` is what the server holds now.
 *
 * Rules, per question key: changed on one side only -> that side wins; changed on both sides to the
 * same value -> no conflict; changed on both sides differently -> the local value is kept and the key
 * is reported, so the person is told whose answer was replaced. A missing key (or `undefined`) is a
 * value like any other, so clearing an answer is a change.
 *
 * Plain objects (matrix rows, multiple-text items) are merged cell by cell, so two people filling
 * different years of the same grid both keep their cells; a conflict inside one is reported under the
 * question's top-level key. Arrays (checkbox selections, rankings, dynamic-matrix rows) are compared
 * whole and in order, because "none" exclusivity and ranking order make a piecewise merge wrong.
 */

export type Answers = Record<string, unknown>;

export interface MergeResult {
  merged: Answers;
  /** Top-level keys where both sides changed to different values; the local value was kept. */
  conflicts: string[];
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Keys whose value is not `undefined`: JSON has no undefined, so `{a: undefined}` equals `{}`. */
function definedKeys(value: PlainObject): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

export function answersEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => answersEqual(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const aKeys = definedKeys(a);
    const bKeys = definedKeys(b);
    if (aKeys.length !== bKeys.length) return false;
    return aKeys.every((key) => Object.hasOwn(b, key) && answersEqual(a[key], b[key]));
  }
  // 0 and -0 are the same answer.
  return typeof a === 'number' && typeof b === 'number' && a === b;
}

function unionOfKeys(...objects: PlainObject[]): string[] {
  const keys = new Set<string>();
  for (const object of objects) for (const key of definedKeys(object)) keys.add(key);
  return [...keys];
}

interface ValueMerge {
  value: unknown;
  conflict: boolean;
}

function mergeValue(base: unknown, local: unknown, remote: unknown): ValueMerge {
  const localChanged = !answersEqual(base, local);
  const remoteChanged = !answersEqual(base, remote);
  if (!localChanged) return { value: remote, conflict: false };
  if (!remoteChanged || answersEqual(local, remote)) return { value: local, conflict: false };
  const baseIsObject = base === undefined || isPlainObject(base);
  if (baseIsObject && isPlainObject(local) && isPlainObject(remote)) {
    return mergeObjects(isPlainObject(base) ? base : {}, local, remote);
  }
  return { value: local, conflict: true };
}

function mergeObjects(base: PlainObject, local: PlainObject, remote: PlainObject): ValueMerge {
  const value: PlainObject = {};
  let conflict = false;
  for (const key of unionOfKeys(base, local, remote)) {
    const cell = mergeValue(base[key], local[key], remote[key]);
    if (cell.value !== undefined) value[key] = cell.value;
    conflict ||= cell.conflict;
  }
  return { value, conflict };
}

export function mergeAnswers(base: Answers, local: Answers, remote: Answers): MergeResult {
  const merged: Answers = {};
  const conflicts: string[] = [];
  for (const key of unionOfKeys(base, local, remote)) {
    const result = mergeValue(base[key], local[key], remote[key]);
    if (result.value !== undefined) merged[key] = result.value;
    if (result.conflict) conflicts.push(key);
  }
  return { merged, conflicts };
}
