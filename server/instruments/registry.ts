import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Model, Serializer } from 'survey-core';
import './extensions.js';
import { findJsonSyntaxError } from './jsonLocation.js';
import { type InstrumentFile, InstrumentFileSchema, type InstrumentMeta } from './schema.js';

export type Instrument = Readonly<{
  /** `id@version`, the identity a response is pinned to. */
  key: string;
  meta: InstrumentMeta;
  survey: Record<string, unknown>;
  /** SHA-256 of the file's canonical JSON; later versions use it to refuse silent edits. */
  contentHash: string;
  file: string;
}>;

export type InstrumentRegistry = Readonly<{
  get(id: string, version: string): Instrument | undefined;
  /** The highest version of an instrument, or the one named with `id@version`. */
  resolve(ref: string): Instrument | undefined;
  all(): readonly Instrument[];
}>;

export class InstrumentError extends Error {}

/** Question types the platform can validate, store and export. */
export const SUPPORTED_QUESTION_TYPES = new Set([
  'text',
  'comment',
  'radiogroup',
  'checkbox',
  'dropdown',
  'boolean',
  'matrix',
  'matrixdropdown',
  'multipletext',
  'paneldynamic',
  'panel',
  'expression',
]);

/** Line and column of a character offset, for messages about a file. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseJsonFile(file: string, text: string): unknown {
  const syntax = findJsonSyntaxError(text);
  if (syntax) {
    const where = lineAndColumn(text, syntax.offset);
    throw new InstrumentError(`${file}:${where.line}:${where.column}: not valid JSON: ${syntax.reason}`);
  }
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** Every way an instrument file can be unfit to field; an empty list means it loads. */
export function instrumentProblems(file: string, json: unknown): string[] {
  const parsed = InstrumentFileSchema.safeParse(json);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  const problems: string[] = [];
  const model = new Model(parsed.data.survey);
  for (const e of model.jsonErrors ?? []) problems.push(`${file}: SurveyJS: ${e.message}`);
  const names = new Set<string>();
  for (const q of model.getAllQuestions(false, false, true)) {
    const type = q.getType();
    if (!SUPPORTED_QUESTION_TYPES.has(type)) {
      problems.push(`${file}: question "${q.name}": type "${type}" is not supported`);
    }
    names.add(q.name);
  }
  checkRawTypes(file, parsed.data.survey, problems);
  const { meta } = parsed.data;
  if (!names.has(meta.consent.question)) {
    problems.push(`${file}: meta.consent.question "${meta.consent.question}" is not a question of the survey`);
  }
  for (const name of Object.keys(meta.prefill)) {
    if (!names.has(name)) problems.push(`${file}: meta.prefill names "${name}", which is not a question of the survey`);
  }
  return problems;
}

/** SurveyJS drops an element of unknown type with only a generic message: find it by name here. */
function checkRawTypes(file: string, node: unknown, problems: string[]): void {
  if (Array.isArray(node)) {
    for (const child of node) checkRawTypes(file, child, problems);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const key of ['pages', 'elements', 'templateElements', 'questions']) {
    const children = record[key];
    if (!Array.isArray(children)) continue;
    for (const child of children) {
      if (child && typeof child === 'object' && key !== 'pages') {
        const { type, name } = child as { type?: unknown; name?: unknown };
        // Types SurveyJS knows are reported with their question by the model check.
        if (typeof type === 'string' && !Serializer.findClass(type)) {
          problems.push(`${file}: element "${String(name)}": type "${type}" is not supported`);
        }
      }
      checkRawTypes(file, child, problems);
    }
  }
}

export function loadInstrumentFile(file: string, displayName = path.basename(file)): Instrument {
  const text = readFileSync(file, 'utf8');
  const json = parseJsonFile(displayName, text);
  const problems = instrumentProblems(displayName, json);
  if (problems.length > 0) throw new InstrumentError(problems.join('\n'));
  const data = json as InstrumentFile;
  return Object.freeze({
    key: `${data.meta.id}@${data.meta.version}`,
    meta: data.meta,
    survey: data.survey,
    contentHash: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
    file,
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function createInstrumentRegistry(instruments: Instrument[]): InstrumentRegistry {
  const byKey = new Map<string, Instrument>();
  for (const instrument of instruments) {
    const existing = byKey.get(instrument.key);
    if (existing) {
      throw new InstrumentError(
        `${path.basename(instrument.file)}: ${instrument.key} is also defined in ${path.basename(existing.file)}`,
      );
    }
    byKey.set(instrument.key, instrument);
  }
  const all = Object.freeze([...byKey.values()]);
  return Object.freeze({
    get: (id: string, version: string) => byKey.get(`${id}@${version}`),
    resolve(ref: string) {
      if (ref.includes('@')) return byKey.get(ref);
      const versions = all.filter((i) => i.meta.id === ref);
      return versions.sort((a, b) => compareVersions(b.meta.version, a.meta.version))[0];
    },
    all: () => all,
  });
}

/** Loads every `*.json` in the folder; any problem in any file stops the load, naming the file. */
export function loadInstruments(dir: string): InstrumentRegistry {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    throw new InstrumentError(`Cannot read the instruments folder ${dir}`);
  }
  if (files.length === 0) throw new InstrumentError(`No instrument files (*.json) in ${dir}`);
  const problems: string[] = [];
  const loaded: Instrument[] = [];
  for (const f of files) {
    try {
      loaded.push(loadInstrumentFile(path.join(dir, f), f));
    } catch (err) {
      if (!(err instanceof InstrumentError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new InstrumentError(problems.join('\n'));
  return createInstrumentRegistry(loaded);
}
