import { parseArgs } from 'node:util';
import { MAX_K, MIN_K } from '../exports/publicUse.js';
import { exportRecords } from '../exports/recordExport.js';
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
        instrument: { type: 'string' },
        site: { type: 'string' },
        out: { type: 'string' },
        formats: { type: 'string' },
        format: { type: 'string' },
        'completes-only': { type: 'boolean', default: false },
        'include-drafts': { type: 'boolean', default: false },
        public: { type: 'boolean', default: false },
        'include-free-text': { type: 'boolean', default: false },
        'k-anonymity': { type: 'string' },
      },
    });
    if (values.fielding !== undefined && values.instrument !== undefined) {
      throw new UsageError('Export either a fielding (--fielding) or Phase II records (--instrument), not both.');
    }
    if (values.formats !== undefined && values.format !== undefined) {
      throw new UsageError('--format and --formats are the same option; give one.');
    }
    const records = values.instrument !== undefined;
    if (!records && (values.site !== undefined || values['include-drafts'])) {
      throw new UsageError('--site and --include-drafts are for Phase II records (--instrument <id>).');
    }
    if (records && values['completes-only']) {
      throw new UsageError(
        '--completes-only is for fieldings; records export final and refused records (--include-drafts adds drafts).',
      );
    }
    const v = required(
      { [records ? 'instrument' : 'fielding']: records ? values.instrument : values.fielding, out: values.out },
      [records ? 'instrument' : 'fielding', 'out'],
    );
    const formats = formatsOf(values.formats ?? values.format ?? EXPORT_FORMATS.join(','));
    if (values['include-free-text'] && !values.public) {
      throw new UsageError(
        '--include-free-text is for the public-use file (--public); the identified export has all text.',
      );
    }
    const kAnonymity = kAnonymityOf(values['k-anonymity'], values.public);
    const deps = runtime();
    const bar = io.progress ? progressBar(io.progress) : undefined;
    const common = {
      out: resolveFrom(io, v.out as string),
      formats,
      public: values.public,
      includeFreeText: values['include-free-text'],
      ...(kAnonymity === undefined ? {} : { kAnonymity }),
      actor: osUser(),
      ...(bar ? { onProgress: bar.update } : {}),
    };
    try {
      if (records) {
        const manifest = await exportRecords(
          { repos: createRepos(deps.db), instruments: deps.instruments, clock: deps.clock },
          {
            instrument: v.instrument as string,
            ...(values.site === undefined ? {} : { site: values.site }),
            includeDrafts: values['include-drafts'],
            ...common,
          },
        );
        bar?.end();
        const tables = manifest.tables.slice(1).map((t) => `${t.name} ${t.rows}`);
        io.out(
          `Exported ${manifest.tables[0]?.rows ?? 0} records of ${manifest.instrument} (${manifest.site ?? 'every site'})${tables.length > 0 ? `, ${tables.join(', ')} rows` : ''} to ${v.out}: ${manifest.files.map((f) => f.name).join(', ')}, manifest.json.`,
        );
        return;
      }
      const manifest = await exportFielding(
        { repos: createRepos(deps.db), instruments: deps.instruments, clock: deps.clock },
        { fielding: v.fielding as string, completesOnly: values['completes-only'], ...common },
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
