import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../platform/config.js';
import { migrate, openDatabase } from '../platform/db.js';
import { copyForRehearsal } from '../rehearsal/copy.js';
import { announceDatabase, type Command, MissingDatabaseError, required, resolveFrom, UsageError } from './io.js';

export const rehearsalCommands: Record<string, Command> = {
  /**
   * Copies the live database, safely while the server runs, into a new data folder marked as a
   * rehearsal copy: the only kind of database FIELDKIT_NOW is honoured on (runtime.ts).
   */
  async 'rehearsal copy'(args, io) {
    const { values, positionals } = parseArgs({ args, options: { to: { type: 'string' } }, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`Unexpected ${positionals.join(' ')}: give the folder with --to.`);
    const v = required({ to: values.to }, ['to']);
    // The config without the runtime: copying is allowed whatever FIELDKIT_NOW says.
    const { databaseFile } = parseConfig(io.env, io.cwd);
    if (!existsSync(databaseFile)) {
      throw new MissingDatabaseError(
        `No database at ${databaseFile} to copy: run the command where the server runs, or set DATA_DIR to its data folder.`,
      );
    }
    const toDir = resolveFrom(io, v.to as string);
    const live = openDatabase(databaseFile);
    announceDatabase(io, databaseFile);
    let copy: string;
    try {
      migrate(live);
      copy = await copyForRehearsal(live, databaseFile, toDir, new Date().toISOString());
    } finally {
      live.close();
    }
    io.out(`Copied ${databaseFile} to ${copy}, marked as a rehearsal copy (the live database is unchanged).`);
    io.out('Rehearse on the copy with its own DATA_DIR, for example:');
    io.out(`  DATA_DIR=${toDir} FIELDKIT_NOW=2027-03-01T09:00:00Z npx fieldkit remind --fielding <name> --dry-run`);
    io.out(
      'The copy holds the real contacts: while rehearsing, leave SMTP_URL unset or point it at a test mail server.',
    );
  },
};
