import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCodebook } from '../codebook/build.js';
import { codebookHtml, codebookMarkdown } from '../codebook/render.js';
import { parseConfig } from '../config.js';
import { hasTable, openDatabase } from '../db.js';
import {
  createInstrumentRegistry,
  type Instrument,
  InstrumentError,
  loadInstrumentFile,
  loadInstruments,
} from '../instruments/registry.js';
import { changedVersionProblems } from '../instruments/versions.js';
import { announceDatabase, type CliIo, type Command, resolveFrom, UsageError } from './io.js';

function instrumentFiles(io: CliIo, positionals: string[]): string[] {
  if (positionals.length > 0) return positionals.map((f) => resolveFrom(io, f));
  const dir = parseConfig(io.env, io.cwd).instrumentsDir;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Versions with responses whose file changed, when a database exists to say so. */
function versionProblems(io: CliIo, instruments: Instrument[]): string[] {
  const { databaseFile } = parseConfig(io.env, io.cwd);
  if (!existsSync(databaseFile)) return [];
  const db = openDatabase(databaseFile);
  announceDatabase(io, databaseFile);
  try {
    // A database older than the version table has recorded no hashes yet: nothing to compare.
    return hasTable(db, 'instrument_versions') ? changedVersionProblems(db, createInstrumentRegistry(instruments)) : [];
  } finally {
    db.close();
  }
}

export const instrumentCommands: Record<string, Command> = {
  // Reads the instruments folder only: listing needs no database and must not create one.
  'instruments list'(_args, io) {
    for (const i of loadInstruments(parseConfig(io.env, io.cwd).instrumentsDir).all()) {
      io.out(`${i.key}\t${i.meta.mode}\t${i.meta.estimatedMinutes} min\t${i.meta.title}`);
    }
  },

  'instruments check'(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    const problems: string[] = [];
    const loaded: Instrument[] = [];
    for (const file of instrumentFiles(io, positionals)) {
      try {
        const instrument = loadInstrumentFile(file);
        loaded.push(instrument);
        const variables = buildCodebook(instrument).variables.length;
        io.out(
          `ok  ${instrument.key}  ${variables} variables  sha256:${instrument.contentHash}  (${path.basename(file)})`,
        );
      } catch (err) {
        if (!(err instanceof InstrumentError)) throw err;
        problems.push(err.message);
      }
    }
    try {
      createInstrumentRegistry(loaded);
    } catch (err) {
      if (!(err instanceof InstrumentError)) throw err;
      problems.push(err.message);
    }
    problems.push(...versionProblems(io, loaded));
    if (problems.length > 0) throw new InstrumentError(problems.join('\n'));
  },

  codebook(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'md' }, out: { type: 'string' } },
    });
    const [ref] = positionals;
    if (!ref || positionals.length > 1)
      throw new UsageError('Name one instrument, e.g. fieldkit codebook tip-prosecutor-survey.');
    const registry = loadInstruments(parseConfig(io.env, io.cwd).instrumentsDir);
    const instrument = registry.resolve(ref);
    if (!instrument) {
      throw new UsageError(
        `No instrument "${ref}". Known: ${registry
          .all()
          .map((i) => i.key)
          .join(', ')}.`,
      );
    }
    const codebook = buildCodebook(instrument);
    const render = {
      json: () => `${JSON.stringify(codebook, null, 2)}\n`,
      md: () => codebookMarkdown(codebook),
      html: () => codebookHtml(codebook),
    }[values.format as string];
    if (!render) throw new UsageError(`--format must be json, md or html, not "${values.format}".`);
    if (values.out) {
      writeFileSync(resolveFrom(io, values.out), render());
      io.out(`Codebook of ${instrument.key} (${codebook.variables.length} variables) written to ${values.out}.`);
    } else {
      io.out(render().trimEnd());
    }
  },
};
