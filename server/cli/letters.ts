import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_LETTER_ORDER, LETTER_ORDERS, type LetterOrder } from '../contracts/letters.js';
import { writeLettersPdf } from '../letters/pdf.js';
import { issueLetters, lettersSummary } from '../letters/service.js';
import { createRepos } from '../repos.js';
import { type Command, osUser, required, resolveFrom, UsageError } from './io.js';
import { progressBar } from './progress.js';

export const letterCommands: Record<string, Command> = {
  /** Postal letters with a new access code for every open case (letters/service.ts issueLetters). */
  async letters(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: { fielding: { type: 'string' }, out: { type: 'string' }, order: { type: 'string' } },
    });
    const v = required({ fielding: values.fielding, out: values.out }, ['fielding', 'out']);
    const out = resolveFrom(io, v.out as string);
    if (!out.toLowerCase().endsWith('.pdf')) throw new UsageError('--out must name a .pdf file.');
    const order = letterOrderOf(values.order);
    const deps = runtime();
    const bar = io.progress ? progressBar(io.progress) : undefined;
    const partial = `${out}.part`;
    try {
      const batch = issueLetters(
        {
          repos: createRepos(deps.db),
          instruments: deps.instruments,
          clock: deps.clock,
          random: deps.random,
          publicUrl: deps.config.publicUrl,
        },
        { fielding: v.fielding as string, actor: osUser(), order },
      );
      // The codes are issued; a half-written file must not pass for the letters, so it is renamed when whole.
      // Live access codes: owner-only like links files; a stale partial file would keep its own mode.
      rmSync(partial, { force: true });
      await writeLettersPdf(
        batch,
        createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
        bar ? (done, total) => bar.update({ done, total, label: 'letters' }) : undefined,
      );
      renameSync(partial, out);
      bar?.end();
      io.out(`${lettersSummary(batch)}.`);
      io.out(
        `Wrote ${v.out}: one page per letter. It holds live access codes: keep it safe until the letters are mailed.`,
      );
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    } finally {
      bar?.end();
      deps.db.close();
    }
  },
};

/** `--order zip|office|state`, by ZIP when not given (as bulk mail wants). */
function letterOrderOf(value: string | undefined): LetterOrder {
  if (value === undefined) return DEFAULT_LETTER_ORDER;
  const order = LETTER_ORDERS.find((known) => known === value);
  if (order === undefined) throw new UsageError('--order must be zip, office or state.');
  return order;
}
