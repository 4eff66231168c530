import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportInterviewNotes, writeQdpxFile } from '../exports/qdpxService.js';
import { createRepos } from '../repos.js';
import { type CliIo, type OpenRuntime, osUser, required, resolveFrom, UsageError } from './io.js';

/**
 * `fieldkit export --site <name> --format qdpx`: the format qdpx sets the notes export apart from the
 * dataset exports of `fieldkit export`, whose options it does not share.
 */
export const isNotesExport = (args: readonly string[]) =>
  args.some((a, i) => a === '--format=qdpx' || (a === '--format' && args[i + 1] === 'qdpx'));

export async function exportNotes(args: string[], io: CliIo, runtime: OpenRuntime): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      site: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'include-in-progress': { type: 'boolean', default: false },
      public: { type: 'boolean', default: false },
    },
  });
  if (values.format !== 'qdpx') {
    throw new UsageError(
      `--format takes qdpx (the interview notes of a site, as a REFI-QDA project), not "${values.format ?? ''}"; a fielding's dataset takes --formats.`,
    );
  }
  if (values.public) {
    throw new UsageError('Interview notes never enter a public-use file: --public does not go with --format qdpx.');
  }
  const v = required({ site: values.site, out: values.out }, ['site', 'out']);
  const out = resolveFrom(io, v.out as string);
  if (!out.toLowerCase().endsWith('.qdpx')) {
    throw new UsageError(
      `--out names the project file, ending in .qdpx (QDA software opens it by that), not "${v.out}".`,
    );
  }
  if (existsSync(out)) throw new UsageError(`${v.out} already exists; choose another file name.`);
  const deps = runtime();
  try {
    const repos = createRepos(deps.db);
    const notes = exportInterviewNotes(
      { repos, instruments: deps.instruments, clock: deps.clock },
      { site: { name: v.site as string }, includeInProgress: values['include-in-progress'], actor: osUser() },
    );
    await writeQdpxFile(notes.project, out, notes.at);
    repos.audit.recordAudit(notes.audit);
    const plural = notes.interviews === 1 ? 'interview' : 'interviews';
    io.out(
      `Exported the notes of ${notes.interviews} ${plural} at ${notes.site.name} to ${v.out}: a REFI-QDA project; import it in NVivo, ATLAS.ti, MAXQDA or QualCoder.`,
    );
  } finally {
    deps.db.close();
  }
}
