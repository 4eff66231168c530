import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { toCsv } from './csv.js';
import { MigrationError } from './db.js';
import type { Deps } from './deps.js';
import { AppError } from './errors.js';
import { createFielding } from './fieldings/service.js';
import { InstrumentError } from './instruments/registry.js';
import { formatFrameProblem, parseFrame } from './offices/frame.js';
import { createRepos } from './repos.js';
import { createRuntime } from './runtime.js';
import type { IssuedLink } from './tokens/workflows.js';
import { reissueToken, revokeTokens } from './tokens/workflows.js';

export const USAGE = `Usage: fieldkit <command> [options]

Fieldings
  fielding create --name <name> --instrument <id[@version]> --frame <offices.csv> --links-out <links.csv>
                  [--closes <YYYY-MM-DD>]
      Imports the frame (all or nothing), creates one case per office and one link per contact,
      and writes the clear links and access codes to the links file, once. The database keeps
      only their hashes: keep the links file safe, and delete it when the invitations are out.
  fielding list
  frame check <offices.csv>          Validates a frame without importing it.

Links and access codes
  token revoke --link <url-or-token> | --code <access-code> | --fielding <name> --office <office_id> --email <email>
  token reissue --fielding <name> --office <office_id> --email <email> --links-out <file.csv>
      A reissued link continues the same response; the old link stops working.

Instruments
  instruments list

Configuration comes from the environment (DATA_DIR, PUBLIC_URL, ...): see README.md.`;

export type CliIo = {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
};

const defaultIo: CliIo = {
  env: process.env,
  cwd: process.cwd(),
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

class UsageError extends Error {}

const LINK_COLUMNS = ['office_id', 'office_name', 'contact_name', 'contact_email', 'link', 'access_code'] as const;

/** Links files are secrets: written once, never over an existing file, readable by the owner only. */
function linksWriter(io: CliIo, file: string) {
  const target = path.resolve(io.cwd, file);
  if (existsSync(target)) {
    throw new UsageError(`${file} already exists. Links are written once; choose a new file name.`);
  }
  return {
    target,
    write(links: IssuedLink[]) {
      const rows = links.map((l) => LINK_COLUMNS.map((c) => l[c]));
      writeFileSync(target, toCsv([[...LINK_COLUMNS], ...rows], { neutralizeFormulas: true }), {
        flag: 'wx',
        mode: 0o600,
      });
    },
  };
}

function required(values: Record<string, string | undefined>, names: string[]): Record<string, string> {
  const missing = names.filter((n) => !values[n]);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(', ')}.`);
  return values as Record<string, string>;
}

function parseDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new UsageError(`--closes must be a date like 2027-03-31, not "${value}".`);
  // Links work through the whole closing day, in UTC.
  const date = new Date(`${value}T23:59:59.999Z`);
  // Date quietly rolls 2027-02-30 over to March; only a round trip shows the day does not exist.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--closes "${value}" is not a real date.`);
  }
  return date;
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

type Command = (args: string[], io: CliIo, runtime: () => Deps) => void;

const commands: Record<string, Command> = {
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
    const deps = runtime();
    try {
      const result = createFielding(
        {
          repos: createRepos(deps.db),
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
      if (existsSync(links.target) && !deps.db.prepare('SELECT 1 FROM fieldings WHERE name = ?').get(v.name))
        rmSync(links.target);
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
  'frame check'(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('Name one frame file.');
    const offices = readFrame(io, positionals[0] as string);
    io.out(`${positionals[0]}: ${offices.length} offices, no problems.`);
  },
  'token revoke'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        link: { type: 'string' },
        code: { type: 'string' },
        fielding: { type: 'string' },
        office: { type: 'string' },
        email: { type: 'string' },
      },
    });
    const secret = values.link ?? values.code;
    const target = secret
      ? { kind: 'secret' as const, value: secret }
      : (() => {
          const v = required(values, ['fielding', 'office', 'email']);
          return {
            kind: 'contact' as const,
            fielding: v.fielding as string,
            officeId: v.office as string,
            email: v.email as string,
          };
        })();
    const deps = runtime();
    try {
      const n = revokeTokens(
        { repos: createRepos(deps.db), random: deps.random, clock: deps.clock, publicUrl: deps.config.publicUrl },
        target,
      );
      io.out(
        n === 0
          ? 'Nothing to revoke: the token was already revoked.'
          : `Revoked ${n} token(s). Their links and codes no longer work.`,
      );
    } finally {
      deps.db.close();
    }
  },
  'token reissue'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        office: { type: 'string' },
        email: { type: 'string' },
        'links-out': { type: 'string' },
      },
    });
    const v = required(values, ['fielding', 'office', 'email', 'links-out']);
    const links = linksWriter(io, v['links-out'] as string);
    const deps = runtime();
    try {
      const ctx = {
        repos: createRepos(deps.db),
        random: deps.random,
        clock: deps.clock,
        publicUrl: deps.config.publicUrl,
      };
      const link = deps.db.transaction(() => {
        const issued = reissueToken(ctx, {
          kind: 'contact',
          fielding: v.fielding as string,
          officeId: v.office as string,
          email: v.email as string,
        });
        links.write([issued]);
        return issued;
      })();
      io.out(`Reissued the link for ${link.contact_email} (${link.office_id}); the old one no longer works.`);
      io.out(`New link and access code written to ${links.target}.`);
    } finally {
      deps.db.close();
    }
  },
  'instruments list'(_args, io, runtime) {
    const deps = runtime();
    try {
      for (const i of deps.instruments.all()) {
        io.out(`${i.key}\t${i.meta.mode}\t${i.meta.estimatedMinutes} min\t${i.meta.title}`);
      }
    } finally {
      deps.db.close();
    }
  },
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (!noun || noun === 'help' || noun === '--help' || noun === '-h') {
    io.out(USAGE);
    return noun ? 0 : 2;
  }
  const command = commands[`${noun} ${verb ?? ''}`];
  if (!command) {
    io.err(`fieldkit: unknown command "${[noun, verb].filter(Boolean).join(' ')}".\n\n${USAGE}`);
    return 2;
  }
  try {
    command(rest, io, () => createRuntime({ ...io.env }, io.cwd));
    return 0;
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof InstrumentError ||
      err instanceof MigrationError
    ) {
      io.err(`fieldkit: ${err.message}`);
      return err instanceof UsageError ? 2 : 1;
    }
    if (err instanceof AppError) {
      io.err(`fieldkit: ${err.message}`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`fieldkit: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
