import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import './extensions.js';
import { Model } from 'survey-core';
import { checkInstrument, definedQuestions, formatProblem, isWarning } from './checker.js';
import { findJsonSyntaxError } from './jsonLocation.js';
import { type InstrumentFile, InstrumentFileSchema, type InstrumentMeta, type VariableMap } from './schema.js';
import { deriveVariableMap, mapChangeProblems } from './variableMap.js';

export type Instrument = Readonly<{
  /** `id@version`, the identity a response is pinned to. */
  key: string;
  meta: InstrumentMeta;
  survey: Record<string, unknown>;
  /** SHA-256 of the file's canonical JSON; later versions use it to refuse silent edits. */
  contentHash: string;
  file: string;
  /** What the check warned about (printed by `fieldkit instruments check`); nothing that stops use. */
  warnings?: readonly string[];
}>;

export type InstrumentRegistry = Readonly<{
  get(id: string, version: string): Instrument | undefined;
  /** The highest version of an instrument, or the one named with `id@version`. */
  resolve(ref: string): Instrument | undefined;
  all(): readonly Instrument[];
}>;

export class InstrumentError extends Error {
  /** A file's warnings found beside its errors: one check run should show everything to fix. */
  readonly warnings: readonly string[];
  constructor(message: string, warnings: readonly string[] = []) {
    super(message);
    this.warnings = warnings;
  }
}

/** Line and column of a character offset, for messages about a file. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The JSON of a file, or an InstrumentError naming the line and column of the first syntax error. */
export function parseJsonFile(file: string, text: string): unknown {
  const syntax = findJsonSyntaxError(text);
  if (syntax) {
    const where = lineAndColumn(text, syntax.offset);
    throw new InstrumentError(`${file}:${where.line}:${where.column}: not valid JSON: ${syntax.reason}`);
  }
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** Every way an instrument file can be unfit to field, as printable lines; none means it loads. */
export function instrumentProblems(file: string, json: unknown): string[] {
  return checkInstrument(json)
    .filter((p) => !isWarning(p))
    .map((p) => formatProblem(file, p));
}

/**
 * What a version's content hash covers: everything but the disclosure tags. Tags only decide what
 * the public-use file shows, never what respondents saw or how answers are coded, and a disclosure
 * review after fieldwork must be able to tighten them on a version that already has responses.
 */
function hashedContent(data: InstrumentFile): InstrumentFile {
  if (!('disclosure' in data.meta)) return data;
  const { disclosure: _tags, ...meta } = data.meta;
  return { ...data, meta: meta as InstrumentFile['meta'] };
}

export function loadInstrumentFile(file: string, displayName = path.basename(file)): Instrument {
  const text = readFileSync(file, 'utf8');
  const json = parseJsonFile(displayName, text);
  const checked = checkInstrument(json);
  const problems = checked.filter((p) => !isWarning(p)).map((p) => formatProblem(displayName, p));
  const warnings = checked.filter(isWarning).map((p) => formatProblem(displayName, p));
  if (problems.length > 0) throw new InstrumentError(problems.join('\n'), warnings);
  // The schema's defaults (no prefill, a prefill's text transform) apply to the metadata; the hash
  // stays the file's own, so a version's recorded hash does not change with the defaults.
  const data = json as InstrumentFile;
  const { meta } = InstrumentFileSchema.parse(json);
  return Object.freeze({
    key: `${meta.id}@${meta.version}`,
    meta,
    survey: data.survey,
    contentHash: createHash('sha256')
      .update(JSON.stringify(hashedContent(data)))
      .digest('hex'),
    file,
    warnings,
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
  const problems = variableMapProblems(all);
  if (problems.length > 0) throw new InstrumentError(problems.join('\n'));
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

/** The variable map an instrument exports with: its own, or the identity of its questions. */
export function variableMapOf(instrument: Pick<Instrument, 'meta' | 'survey'>): VariableMap {
  return instrument.meta.variables ?? deriveVariableMap(definedQuestions(new Model(instrument.survey)));
}

/** Each version must keep every variable name and choice code of the version before it. */
function variableMapProblems(instruments: readonly Instrument[]): string[] {
  const byId = new Map<string, Instrument[]>();
  for (const i of instruments) byId.set(i.meta.id, [...(byId.get(i.meta.id) ?? []), i]);
  const problems: string[] = [];
  for (const versions of byId.values()) {
    versions.sort((a, b) => compareVersions(a.meta.version, b.meta.version));
    for (let n = 1; n < versions.length; n++) {
      const [older, newer] = [versions[n - 1] as Instrument, versions[n] as Instrument];
      if (!older.meta.variables && !newer.meta.variables) continue;
      for (const p of mapChangeProblems(variableMapOf(older), variableMapOf(newer))) {
        problems.push(`${path.basename(newer.file)}: ${p} (${older.key} is the version before ${newer.key}).`);
      }
    }
  }
  return problems;
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
