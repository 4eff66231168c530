import { parseArgs } from 'node:util';
import { MAX_K, MIN_K } from '../exports/publicUse.js';
import { EXPORT_FORMATS, type ExportFormat, exportFielding } from '../exports/service.js';
import { createRepos } from '../repos.js';
import { type Command, osUser, required, resolveFrom, UsageError } from './io.js';
import { progressBar } from './progress.js';
import { exportNotes, isNotesExport } from './qdpx.js';

function formatsOf(list: string): ExportFormat[] {
  const asked = list
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = asked.filter((f) => !(EXPORT_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || asked.length === 0) {
    throw new UsageError(
      `--formats takes a comma-separated list of ${EXPORT_FORMATS.join(', ')}; not "${unknown.join(', ') || list}".`,
    );
  }
  return asked as ExportFormat[];
}

/** `--k-anonymity`: a whole number of rows, only for the public-use file. */
function kAnonymityOf(text: string | undefined, isPublic: boolean): number | undefined {
  if (text === undefined) return undefined;
  if (!isPublic) throw new UsageError('--k-anonymity is for the public-use file (--public).');
  const k = Number(text);
  if (!/^\d+$/.test(text) || k < MIN_K || k > MAX_K) {
    throw new UsageError(`--k-anonymity takes a whole number from ${MIN_K} to ${MAX_K}, not "${text}".`);
  }
  return k;
}

export const exportCommands: Record<string, Command> = {
  async export(args, io, runtime) {
    if (isNotesExport(args)) return exportNotes(args, io, runtime);
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        out: { type: 'string' },
        formats: { type: 'string', default: EXPORT_FORMATS.join(',') },
        'completes-only': { type: 'boolean', default: false },
        public: { type: 'boolean', default: false },
        'include-free-text': { type: 'boolean', default: false },
        'k-anonymity': { type: 'string' },
      },
    });
    const v = required({ fielding: values.fielding, out: values.out }, ['fielding', 'out']);
    const formats = formatsOf(values.formats);
    if (values['include-free-text'] && !values.public) {
      throw new UsageError(
        '--include-free-text is for the public-use file (--public); the identified export has all text.',
      );
    }
    const kAnonymity = kAnonymityOf(values['k-anonymity'], values.public);
    const deps = runtime();
    const bar = io.progress ? progressBar(io.progress) : undefined;
    try {
      const manifest = await exportFielding(
        { repos: createRepos(deps.db), instruments: deps.instruments, clock: deps.clock },
        {
          fielding: v.fielding as string,
          out: resolveFrom(io, v.out as string),
          formats,
          completesOnly: values['completes-only'],
          public: values.public,
          includeFreeText: values['include-free-text'],
          ...(kAnonymity === undefined ? {} : { kAnonymity }),
          actor: osUser(),
          ...(bar ? { onProgress: bar.update } : {}),
        },
      );
      bar?.end();
      const [main] = manifest.tables;
      io.out(
        `Exported ${manifest.fielding} (${manifest.instrument}): ${main?.rows ?? 0} cases × ${main?.columns ?? 0} columns to ${v.out}: ${manifest.files.map((f) => f.name).join(', ')}, manifest.json.`,
      );
    } finally {
      bar?.end();
      deps.db.close();
    }
  },
};
