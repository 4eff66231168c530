import { DONT_KNOW } from './extensions.js';
import type { NumericRule } from './numeric.js';
import { characterCount } from './valueScan.js';

export const ANSWER_LIMITS = Object.freeze({
  textChars: 2_000,
  commentChars: 20_000,
  panels: 50,
  /** Rows of a dynamic matrix, whatever its maxRowCount (SurveyJS allows 1,000). */
  matrixRows: 100,
  /** Problems reported per request: enough to fix a form, and a bound on the work a bad request costs. */
  problems: 200,
});

export const isEmptyAnswer = (v: unknown) => v === undefined || v === null || v === '';
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** No answer at all: empty, or an empty list or object (what a cleared multi-select or grid leaves). */
export const isBlankAnswer = (v: unknown) =>
  isEmptyAnswer(v) || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);

/** A short, safe rendering of a value for a message; never walks into lists or objects. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object' && v !== null) return 'a set of answers';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return String(JSON.stringify(v));
}

export function checkNumber(value: unknown, rule: NumericRule): string[] {
  if (typeof value !== 'number') return [`${describe(value)} is not a number`];
  if (!Number.isFinite(value)) return [`${describe(value)} is not a finite number`];
  if (rule.dk && value === DONT_KNOW) return [];
  if (rule.integer && !Number.isInteger(value)) return [`${value} is not a whole number`];
  if (rule.min !== undefined && value < rule.min) return [`${value} is below the minimum of ${rule.min}`];
  if (rule.max !== undefined && value > rule.max) return [`${value} is above the maximum of ${rule.max}`];
  return [];
}

export function checkText(value: unknown, maxChars: number): string[] {
  if (typeof value !== 'string') return [`${describe(value)} is not text`];
  // Code points are never more than UTF-16 units, so only long strings need counting.
  if (value.length > maxChars && characterCount(value) > maxChars) {
    return [`the text is longer than ${maxChars} characters`];
  }
  return [];
}

/**
 * Collects messages up to a limit. Every checker stops once it is full, so the work a request
 * costs is bounded by the problems reported, not by how many a hostile body could contain.
 */
export class Problems {
  readonly messages: string[] = [];
  constructor(private readonly limit = ANSWER_LIMITS.problems) {}
  get full() {
    return this.messages.length >= this.limit;
  }
  add(message: string) {
    if (!this.full) this.messages.push(message);
  }
}

/**
 * A lookup built once per owner (a question, column or item of the cached read-only model) and
 * kept as long as the owner lives, so checking a value is a map lookup, not a scan of the choices.
 */
export function cachedPer<K extends object, V>(cache: WeakMap<K, V>, owner: K, build: (owner: K) => V): V {
  let found = cache.get(owner);
  if (found === undefined) {
    found = build(owner);
    cache.set(owner, found);
  }
  return found;
}
