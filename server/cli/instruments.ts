import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Model, type Question } from 'survey-core';
import { buildCodebook } from '../codebook/build.js';
import { codebookHtml, codebookMarkdown } from '../codebook/render.js';
import { EXPORT_COLUMNS } from '../instruments/checkColumns.js';
import { checkInstrument, definedQuestions, formatProblem, isWarning } from '../instruments/checker.js';
import { danglingReferences } from '../instruments/checkReferences.js';
import { fitColumnNames } from '../instruments/columnNames.js';
import { inferredDisclosure } from '../instruments/disclosure.js';
import { isDeclared } from '../instruments/hostVariables.js';
import { copyImagePickerImages } from '../instruments/images.js';
import {
  createInstrumentRegistry,
  type Instrument,
  InstrumentError,
  loadInstrumentFile,
  loadInstruments,
  parseJsonFile,
  variableMapOf,
} from '../instruments/registry.js';
import { HOST_VARIABLE_NAME, type HostVariables } from '../instruments/schema.js';
import { deriveVariableMap } from '../instruments/variableMap.js';
import { changedVersionProblems } from '../instruments/versions.js';
import { parseConfig } from '../platform/config.js';
import { hasTable, openDatabase } from '../platform/db.js';
import { announceDatabase, type CliIo, type Command, resolveFrom, UsageError } from './io.js';

function instrumentFiles(io: CliIo, positionals: string[]): string[] {
  if (positionals.length > 0) return positionals.map((f) => resolveFrom(io, f));
  const dir = parseConfig(io.env, io.cwd).instrumentsDir;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** A loaded instrument by `id` (its highest version) or `id@version`; a usage error names the known ones. */
export function resolveInstrument(io: CliIo, ref: string): Instrument {
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
  return instrument;
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

/** The next version after `version`: its first number raised by one ("1.2.0" -> "2"). */
const nextVersion = (version: string) => String(Number(version.split('.')[0]) + 1);

/** A survey's title as plain text: the default locale of a localized title, markup removed. */
function plainTitle(title: unknown): string | undefined {
  const text =
    typeof title === 'string'
      ? title
      : typeof title === 'object' && title !== null
        ? (title as Record<string, unknown>).default
        : undefined;
  if (typeof text !== 'string') return undefined;
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain || undefined;
}

function readSurveyFile(io: CliIo, file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolveFrom(io, file), 'utf8');
  } catch {
    throw new UsageError(`Cannot read the survey file ${file}.`);
  }
  const json = parseJsonFile(file, text);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InstrumentError(`${file}: a SurveyJS survey is a JSON object ({"pages": [...]} or {"elements": [...]}).`);
  }
  if ('meta' in json && 'survey' in json) {
    throw new InstrumentError(
      `${file} is already a Fieldkit instrument file ({meta, survey}); check it with fieldkit instruments check.`,
    );
  }
  return json as Record<string, unknown>;
}

/**
 * The prefills of the version before (for the questions still asked) and the disclosure tags the
 * import can infer: the previous version's own, then what each prefill's frame column and each
 * email or phone input imply (instruments/disclosure.ts).
 */
function disclosureDefaults(questions: Question[], previous: Instrument | undefined) {
  const asked = new Set(questions.map((q) => q.name));
  const kept = <T>(record: Record<string, T> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([name]) => asked.has(name)));
  const prefill = kept(previous?.meta.prefill);
  const inputs = questions.map((q) => ({ name: q.name, inputType: q.getPropertyValue('inputType') as unknown }));
  const disclosure = { ...inferredDisclosure(prefill, inputs), ...kept(previous?.meta.disclosure) };
  return { prefill, disclosure };
}

/**
 * The host variables of an import: those the previous version declared, and `null` (to fill in)
 * for every other name the expressions read that no question, column or calculated value sets.
 */
function hostVariableSkeleton(
  survey: Record<string, unknown>,
  model: Model,
  questions: Question[],
  previous: HostVariables,
): HostVariables {
  const declared: HostVariables = { ...previous };
  for (const { ref } of danglingReferences(survey, model, questions)) {
    if (HOST_VARIABLE_NAME.test(ref) && !isDeclared(ref, Object.keys(declared))) declared[ref] = null;
  }
  return declared;
}

export const instrumentCommands: Record<string, Command> = {
  /**
   * Wraps a plain SurveyJS JSON into an instrument file with a variable map: a valid variable name
   * per question and a numeric code per choice value. With --previous (the version before), every
   * name and code of that version is kept and new choices get new codes.
   */
  async 'instruments import'(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        out: { type: 'string' },
        version: { type: 'string' },
        title: { type: 'string' },
        mode: { type: 'string', default: 'self' },
        previous: { type: 'string' },
      },
    });
    const [surveyFile] = positionals;
    if (!surveyFile || positionals.length > 1) throw new UsageError('Name one SurveyJS JSON file to import.');
    const survey = readSurveyFile(io, surveyFile);
    const previous = values.previous ? loadInstrumentFile(resolveFrom(io, values.previous)) : undefined;
    const id = values.id ?? previous?.meta.id;
    if (!id) throw new UsageError('Give the instrument an id with --id (lowercase letters, digits and dashes).');
    if (previous && previous.meta.id !== id) {
      throw new UsageError(`--previous is ${previous.key}, a different instrument than --id ${id}.`);
    }
    const model = new Model(survey);
    const questions = definedQuestions(model);
    const previousMap = previous ? variableMapOf(previous) : {};
    const variables = fitColumnNames(
      model,
      deriveVariableMap(questions, previousMap, EXPORT_COLUMNS),
      new Set(Object.keys(previousMap)),
      EXPORT_COLUMNS,
    );
    const hostVariables = hostVariableSkeleton(survey, model, questions, previous?.meta.hostVariables ?? {});
    const unfilled = Object.keys(hostVariables).filter((v) => hostVariables[v] === null);
    const { prefill, disclosure } = disclosureDefaults(questions, previous);
    const file = {
      meta: {
        id,
        version: values.version ?? (previous ? nextVersion(previous.meta.version) : '1'),
        title: values.title ?? plainTitle(survey.title) ?? previous?.meta.title ?? id,
        mode: values.mode,
        ...(Object.keys(prefill).length > 0 ? { prefill } : {}),
        variables,
        ...(Object.keys(disclosure).length > 0 ? { disclosure } : {}),
        ...(Object.keys(hostVariables).length > 0 ? { hostVariables } : {}),
      },
      survey,
    };
    const name = values.out ? path.basename(values.out) : path.basename(surveyFile);
    // Listed before any refusal: a name here may also be a misspelt question, which the author must see.
    if (unfilled.length > 0) {
      io.err(
        `${surveyFile}: the expressions read ${unfilled.map((v) => `{${v}}`).join(', ')}, which no question sets (a host app set them): fill in where each comes from in meta.hostVariables of ${values.out ?? 'the instrument'} ({"frame": "<frame column>"}, {"fielding": "name"} or {"constant": <value>}); until then the check refuses it.`,
      );
    }
    const checked = checkInstrument(file, { unfilledHostVariables: 'allow' });
    const problems = checked.filter((p) => !isWarning(p)).map((p) => formatProblem(name, p));
    for (const p of checked.filter(isWarning)) io.err(formatProblem(name, p));
    if (problems.length > 0) {
      throw new InstrumentError(
        [`${surveyFile}: ${problems.length} problem(s); nothing was written.`, ...problems].join('\n'),
      );
    }
    const images = await copyImagePickerImages(survey, path.dirname(resolveFrom(io, surveyFile)), fetch);
    if (images.problems.length > 0) {
      throw new InstrumentError(
        [
          `${surveyFile}: ${images.problems.length} image(s) cannot be copied into the instrument; nothing was written.`,
          ...images.problems.map((p) => `${name}: ${p}`),
        ].join('\n'),
      );
    }
    file.survey = images.survey;
    const derived = questions.filter((q) => variables[q.name] && variables[q.name]?.name !== q.name).length;
    const text = `${JSON.stringify(file, null, 2)}\n`;
    const summary = `Imported ${surveyFile} as ${id}@${file.meta.version}: ${Object.keys(variables).length} map entries, ${derived} variable name(s) derived from question names that are not valid variable names${images.copied > 0 ? `, ${images.copied} image(s) copied in` : ''}.`;
    if (values.out) {
      const target = resolveFrom(io, values.out);
      if (existsSync(target)) throw new UsageError(`${values.out} already exists; choose a new file name.`);
      writeFileSync(target, text, { flag: 'wx' });
      io.out(`${summary}\nWritten to ${values.out}.`);
    } else {
      io.err(summary);
      io.out(text.trimEnd());
    }
  },

  // Reads the instruments folder only: listing needs no database and must not create one.
  'instruments list'(_args, io) {
    for (const i of loadInstruments(parseConfig(io.env, io.cwd).instrumentsDir).all()) {
      io.out(
        `${i.key}\t${i.meta.mode}\t${i.meta.estimatedMinutes ?? buildCodebook(i).instrument.estimatedMinutes} min\t${i.meta.title}`,
      );
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
        for (const warning of instrument.warnings ?? []) io.err(`fieldkit: ${warning}`);
      } catch (err) {
        if (!(err instanceof InstrumentError)) throw err;
        for (const warning of err.warnings) io.err(`fieldkit: ${warning}`);
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
    const instrument = resolveInstrument(io, ref);
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
