import type {
  MatrixDropdownColumn,
  Question,
  QuestionMatrixDropdownModelBase,
  QuestionPanelDynamicModel,
} from 'survey-core';

/**
 * How deeply an answer to each question type may nest (a plain value is 0, a list of choices 1, a
 * matrix of rows of cells 2, entries of a repeating panel holding matrices more). Anything deeper
 * is refused before other code walks it: deep values would cost recursion (JSON.stringify,
 * structuredClone) and no question can hold them.
 */
const depths = new WeakMap<Question, number>();

/** A matrix with `cellType: "checkbox"` stores a list of columns per row instead of one column. */
export const matrixRowsAreLists = (q: Question) => q.getPropertyValue('cellType') === 'checkbox';

export function allowedDepth(q: Question): number {
  const known = depths.get(q);
  if (known !== undefined) return known;
  let depth: number;
  switch (q.getType()) {
    case 'checkbox':
    case 'tagbox':
    case 'ranking':
    case 'imagepicker':
    case 'multipletext':
    case 'slider':
      depth = 1;
      break;
    case 'matrix':
      depth = matrixRowsAreLists(q) ? 2 : 1;
      break;
    case 'matrixdropdown':
    case 'matrixdynamic': {
      const columns = (q as QuestionMatrixDropdownModelBase).columns as MatrixDropdownColumn[];
      depth = 2 + Math.max(0, ...columns.map((c) => allowedDepth(c.templateQuestion)));
      break;
    }
    case 'paneldynamic': {
      const inner = (q as QuestionPanelDynamicModel).template.questions;
      depth = 2 + Math.max(0, ...inner.map(allowedDepth));
      break;
    }
    case 'file':
    case 'signaturepad':
      depth = 2;
      break;
    default:
      depth = 0;
  }
  depths.set(q, depth);
  return depth;
}

// With the u flag a surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** The first thing in a string that no answer may hold, or undefined. */
export function stringProblem(s: string): string | undefined {
  if (s.includes('\0')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode text)';
  return undefined;
}

/**
 * Walks an answer once, iteratively, and names the first problem no question type accepts:
 * nesting deeper than `maxDepth`, a number JSON cannot carry (1e309 parses as Infinity), NUL
 * characters or unpaired surrogates in text or keys. Linear in the size of the value.
 */
export function scanAnswer(value: unknown, maxDepth: number): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'is not a finite number';
    } else if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) return problem;
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= maxDepth) return `is nested deeper than this question allows (${maxDepth} level(s))`;
      if (Array.isArray(v)) {
        for (const item of v) stack.push({ value: item, depth: depth + 1 });
      } else {
        for (const [key, item] of Object.entries(v)) {
          const problem = stringProblem(key);
          if (problem) return `has a key that ${problem}`;
          stack.push({ value: item, depth: depth + 1 });
        }
      }
    }
  }
  return undefined;
}

/** Length in characters (Unicode code points), not UTF-16 units: an emoji counts once. */
export function characterCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** What `scanJson` found wrong with a JSON text, before any parsing. */
export type JsonShapeProblem = { problem: 'depth' | 'keys'; key: string | undefined };

/**
 * One pass over the bytes of a JSON text, without parsing it: the first place where it nests
 * deeper than `maxDepth`, or where one object holds more than `maxKeys` keys; undefined when
 * neither happens. Both bound the work of `JSON.parse` and of every later check (a body of 30,000
 * keys costs tens of milliseconds to parse, all on the event loop). `key` is the last object key
 * seen at depth 2, which in an answers body (`{"answers": {"<question>": …}}`) names the question.
 * The bytes are assumed to be JSON; anything else is left for the parser to refuse.
 */
export function scanJson(
  bytes: Uint8Array,
  limits: { maxDepth: number; maxKeys: number },
): JsonShapeProblem | undefined {
  const { maxDepth, maxKeys } = limits;
  // Per open container: is it an object, and how many keys it has so far.
  const isObject = new Uint8Array(maxDepth + 2);
  const keyCounts = new Uint32Array(maxDepth + 2);
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let expectKey = false;
  let key: [number, number] | undefined;
  const found = (problem: JsonShapeProblem['problem']): JsonShapeProblem => ({
    problem,
    key: key && Buffer.from(bytes.subarray(key[0], key[1])).toString('utf8'),
  });
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (b === 0x22) {
        inString = false;
        if (expectKey) {
          if (depth === 2) key = [stringStart, i];
          keyCounts[depth] = (keyCounts[depth] ?? 0) + 1;
          if ((keyCounts[depth] ?? 0) > maxKeys) return found('keys');
        }
        expectKey = false;
      }
    } else if (b === 0x22) {
      inString = true;
      stringStart = i + 1;
    } else if (b === 0x7b || b === 0x5b) {
      depth++;
      if (depth > maxDepth) return found('depth');
      isObject[depth] = b === 0x7b ? 1 : 0;
      keyCounts[depth] = 0;
      expectKey = b === 0x7b;
    } else if (b === 0x2c) {
      expectKey = isObject[depth] === 1;
    } else if (b === 0x5d || b === 0x7d) {
      depth--;
    }
  }
  return undefined;
}
