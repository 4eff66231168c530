import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importContacts } from '../casework/contactsImport.js';
import { parseContactsFile } from '../offices/contactsFile.js';
import { formatFrameProblem } from '../offices/importFile.js';
import { createRepos } from '../repos.js';
import { type Command, osUser, required, UsageError } from './io.js';

/** As many problems as a terminal can take; the count says how many more there are. */
const SHOWN_PROBLEMS = 200;

function readContactsFile(cwd: string, file: string): Buffer {
  try {
    return readFileSync(path.resolve(cwd, file));
  } catch {
    throw new UsageError(`Cannot read the contacts file ${file}.`);
  }
}

export const contactCommands: Record<string, Command> = {
  /** Adds contacts that come after the frame to offices of a fielding (casework/contactsImport.ts). */
  'contacts import'(args, io, runtime) {
    const { values, positionals } = parseArgs({
      args,
      options: { fielding: { type: 'string' } },
      allowPositionals: true,
    });
    const v = required({ fielding: values.fielding }, ['fielding']);
    if (positionals.length !== 1) throw new UsageError('Name one contacts file.');
    const file = positionals[0] as string;
    const parsed = parseContactsFile(readContactsFile(io.cwd, file));
    const deps = runtime();
    try {
      const result = importContacts(
        { repos: createRepos(deps.db), clock: deps.clock },
        { fielding: v.fielding as string, file: path.basename(file), parsed, actor: osUser() },
      );
      if (!result.ok) {
        const all = result.problems;
        const shown = all.slice(0, SHOWN_PROBLEMS).map((p) => formatFrameProblem(path.basename(file), p));
        const more = all.length > SHOWN_PROBLEMS ? [`... and ${all.length - SHOWN_PROBLEMS} more problems`] : [];
        throw new UsageError(
          [`${file}: ${all.length} problem(s); nothing was imported.`, ...shown, ...more].join('\n'),
        );
      }
      io.out(`Added ${result.contacts} contact(s) to ${result.offices} office(s) of fielding "${v.fielding}".`);
    } finally {
      deps.db.close();
    }
  },
};
