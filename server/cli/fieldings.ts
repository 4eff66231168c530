import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { linksCsv } from '../cases/links.js';
import type { IssuedLink } from '../contracts/cases.js';
import { DispositionThresholdsBodySchema } from '../fieldings/schema.js';
import {
  changeFieldingVersion,
  closingInstant,
  createFielding,
  findFieldingOrFail,
  setDispositionThresholds,
} from '../fieldings/service.js';
import { formatFrameProblem, parseFrame } from '../offices/frame.js';
import { createRepos } from '../repos.js';
import { type CliIo, type Command, osUser, required, UsageError } from './io.js';

/** Links files are secrets: written once, never over an existing file, readable by the owner only. */
export function linksWriter(io: CliIo, file: string) {
  const target = path.resolve(io.cwd, file);
  if (existsSync(target)) {
    throw new UsageError(`${file} already exists. Links are written once; choose a new file name.`);
  }
  return {
    target,
    write(links: IssuedLink[]) {
      writeFileSync(target, linksCsv(links), {
        flag: 'wx',
        mode: 0o600,
      });
    },
  };
}

function parseDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new UsageError(`--closes must be a date like 2027-03-31, not "${value}".`);
  const date = closingInstant(value);
  if (!date) throw new UsageError(`--closes "${value}" is not a real date.`);
  return date;
}

/** A percentage option (`--complete 80`); undefined when not given. */
function percentOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`--${name} must be a number, a percentage like 80; not "${value}".`);
  }
  return n;
}

function readFrame(io: CliIo, file: string) {
  const full = path.resolve(io.cwd, file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch {
    throw new UsageError(`Cannot read the frame file ${file}.`);
  }
  const result = parseFrame(bytes);
  if (!result.ok) {
    const shown = result.problems.slice(0, 200).map((p) => formatFrameProblem(path.basename(file), p));
    const more = result.problems.length > 200 ? [`... and ${result.problems.length - 200} more problems`] : [];
    throw new UsageError(
      [`${file}: ${result.problems.length} problem(s); nothing was imported.`, ...shown, ...more].join('\n'),
    );
  }
  return result.offices;
}

export const fieldingCommands: Record<string, Command> = {
  'fielding create'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        name: { type: 'string' },
        instrument: { type: 'string' },
        frame: { type: 'string' },
        'links-out': { type: 'string' },
        closes: { type: 'string' },
      },
    });
    const v = required(values, ['name', 'instrument', 'frame', 'links-out']);
    const closesAt = parseDate(values.closes);
    const offices = readFrame(io, v.frame as string);
    const links = linksWriter(io, v['links-out'] as string);
    const deps = runtime({ create: true });
    const repos = createRepos(deps.db);
    try {
      const result = createFielding(
        {
          repos,
          instruments: deps.instruments,
          clock: deps.clock,
          random: deps.random,
          publicUrl: deps.config.publicUrl,
        },
        { name: v.name as string, instrument: v.instrument as string, offices, closesAt, deliver: links.write },
      );
      io.out(
        `Fielding "${v.name}" created with ${result.instrument}: ${offices.length} offices, ${result.links.length} links.`,
      );
      io.out(`Links and access codes written to ${links.target} (readable by you only). Keep it safe.`);
    } catch (err) {
      // The links file is written inside the transaction; if the commit failed it must not survive.
      if (existsSync(links.target) && !repos.fieldings.findFieldingByName(v.name as string)) rmSync(links.target);
      throw err;
    } finally {
      deps.db.close();
    }
  },
  'fielding list'(_args, io, runtime) {
    const deps = runtime();
    try {
      const list = createRepos(deps.db).fieldings.listFieldings();
      if (list.length === 0) io.out('No fieldings yet.');
      for (const f of list) {
        io.out(
          `${f.name}\t${f.instrument_id}@${f.instrument_version}\t${f.cases} cases\tcreated ${f.created_at}${f.closes_at ? `\tcloses ${f.closes_at}` : ''}`,
        );
      }
    } finally {
      deps.db.close();
    }
  },
  'fielding version'(args, io, runtime) {
    const { values } = parseArgs({ args, options: { name: { type: 'string' }, version: { type: 'string' } } });
    const v = required(values, ['name', 'version']);
    const deps = runtime();
    try {
      const result = changeFieldingVersion(
        { repos: createRepos(deps.db), instruments: deps.instruments, clock: deps.clock },
        { fielding: v.name as string, version: v.version as string, actor: osUser() },
      );
      io.out(`Fielding "${v.name}" moved from ${result.from} to ${result.to}: responses started from now on use it.`);
      for (const s of result.started) {
        io.out(`  ${s.n} response(s) already started stay on version ${s.instrument_version}.`);
      }
    } finally {
      deps.db.close();
    }
  },
  'fielding thresholds'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: { name: { type: 'string' }, complete: { type: 'string' }, partial: { type: 'string' } },
    });
    const v = required({ name: values.name }, ['name']);
    const complete = percentOption('complete', values.complete);
    const partial = percentOption('partial', values.partial);
    const deps = runtime();
    try {
      const repos = createRepos(deps.db);
      const fielding = findFieldingOrFail(repos, v.name as string);
      if (complete !== undefined || partial !== undefined) {
        const asked = DispositionThresholdsBodySchema.safeParse({
          complete: complete ?? fielding.complete_pct,
          partial: partial ?? fielding.partial_pct,
        });
        if (!asked.success) {
          throw new UsageError(asked.error.issues.map((i) => `--${i.path.join('.')} ${i.message}.`).join('\n'));
        }
        setDispositionThresholds(
          { repos, clock: deps.clock },
          { fielding: fielding.name, ...asked.data, actor: osUser() },
        );
      }
      const now = findFieldingOrFail(repos, fielding.name);
      io.out(
        `Fielding "${now.name}": complete ${now.complete_pct}% (1.1), partial ${now.partial_pct}% (1.2) of the questions shown answered.`,
      );
    } finally {
      deps.db.close();
    }
  },
  'frame check'(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('Name one frame file.');
    const offices = readFrame(io, positionals[0] as string);
    io.out(`${positionals[0]}: ${offices.length} offices, no problems.`);
  },
};
