import path from 'node:path';
import type { AuditRepo } from '../audit/repo.js';
import { disclosureOf } from '../instruments/disclosure.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import type { Disclosure } from '../instruments/schema.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { type BundleFile, type ExportFormat, refuseExistingOut, writeBundle } from './bundle.js';
import { K_ANONYMITY, type PublicUse, publicUseTable } from './publicUse.js';
import {
  auditTrailDescription,
  RECORD_KEY,
  type RecordDataset,
  recordDataset,
  STAFF_COLUMNS,
} from './recordDataset.js';
import { createRecordExportRepo } from './recordRepo.js';
import type { ExportTable } from './table.js';

export type RecordExportRequest = {
  /** The Phase II instrument's id; every version its records were entered on is exported. */
  instrument: string;
  /** A site's name; absent: every site. */
  site?: string;
  /** The folder to create, or a `.zip` file; it must not exist yet. */
  out: string;
  formats: readonly ExportFormat[];
  /** Records still being entered too; by default only final and refused ones. */
  includeDrafts: boolean;
  /** The de-identified public-use file: no notes, initials, case codes, free text or audit trail. */
  public: boolean;
  /** With `public`: keep free-text answers (never the interview notes). */
  includeFreeText: boolean;
  kAnonymity?: number;
  /** Who asked, for the audit log (the OS user for the CLI, the staff email for the console). */
  actor: string;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
};

export type RecordExportManifest = {
  /** The newest loaded version (id@version). */
  instrument: string;
  /** Every version the exported records were entered on; variables are their union. */
  instruments: string[];
  site: string | null;
  createdAt: string;
  options: {
    formats: readonly ExportFormat[];
    includeDrafts: boolean;
    public: boolean;
    includeFreeText: boolean;
    kAnonymity?: number;
  };
  publicUse?: Omit<PublicUse, 'table'>;
  /** Exported records by status (drafts only when asked for). */
  records: RecordDataset['byStatus'];
  tables: { name: string; rows: number; columns: number; restricted?: true }[];
  warnings: string[];
  files: BundleFile[];
};

/** The instrument's versions the selection's records were entered on, the newest loaded first. */
function versionsOf(
  registry: InstrumentRegistry,
  id: string,
  entered: readonly string[],
): { newest: Instrument; instruments: Instrument[] } {
  const newest = registry.resolve(id);
  if (!newest) throw new AppError(404, 'instrument_not_found', `No instrument "${id}" is loaded on this server.`);
  if (newest.meta.mode !== 'interviewer') {
    throw new AppError(
      422,
      'not_a_record_instrument',
      `${id} is a self-administered instrument: its answers are exported by fielding (fieldkit export --fielding), not as Phase II records.`,
    );
  }
  const versions = [
    newest.meta.version,
    ...[...entered]
      .filter((v) => v !== newest.meta.version)
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true })),
  ];
  const instruments = versions.map((version) => {
    const found = registry.get(id, version);
    if (!found) {
      throw new AppError(
        500,
        'instrument_missing',
        `Instrument ${id}@${version} is not loaded on this server: records were entered on it. Restore its file in the instruments folder.`,
      );
    }
    return found;
  });
  return { newest, instruments };
}

/** Export variable name -> the disclosure tag of its question, the newest version's tag first. */
function disclosureByVariable(instruments: readonly Instrument[], dataset: RecordDataset): Map<string, Disclosure> {
  const byQuestion = new Map<string, Disclosure>();
  for (const instrument of [...instruments].reverse()) {
    for (const [question, tag] of Object.entries(disclosureOf(instrument.meta))) byQuestion.set(question, tag);
  }
  const out = new Map<string, Disclosure>();
  for (const v of dataset.codebook.variables) {
    const tag = v.table === 'main' ? byQuestion.get(v.question) : undefined;
    if (tag) out.set(v.name, tag);
  }
  return out;
}

/** The table without the named columns. */
function withoutColumns(table: ExportTable, names: ReadonlySet<string>): ExportTable {
  const keep = table.variables.flatMap((v, i) => (names.has(v.name) ? [] : [i]));
  return {
    ...table,
    variables: keep.map((i) => table.variables[i] as ExportTable['variables'][number]),
    rows: function* () {
      for (const row of table.rows()) yield keep.map((i) => row[i] ?? null);
    },
  };
}

/**
 * The public-use file of records: the interview notes and the staff's initials never enter it (not
 * even with includeFreeText), then the instrument's disclosure tags apply as for a fielding (case
 * codes and the abstractor's initials are direct identifiers, dates quasi-identifiers).
 */
function publicRecords(
  dataset: RecordDataset,
  instruments: readonly Instrument[],
  request: RecordExportRequest,
  k: number,
) {
  const disclosure = disclosureByVariable(instruments, dataset);
  // The header's initials go whatever the instrument's tags say; reported once, as the tags would.
  const initials = [...dataset.initials].filter((name) => disclosure.get(name)?.identifier !== 'direct');
  const dropped = new Set([...STAFF_COLUMNS, ...dataset.notes, ...initials]);
  const publicUse = publicUseTable(withoutColumns(dataset.table, dropped), {
    includeFreeText: request.includeFreeText,
    k,
    disclosure,
    idColumn: RECORD_KEY,
  });
  const removed = [
    ...[...STAFF_COLUMNS].map((name) => ({ name, why: 'staff initials identify the interviewer' })),
    ...[...dataset.notes].map((name) => ({ name, why: 'interview notes: never in a public-use file' })),
    ...initials.map((name) => ({ name, why: "the interviewer's initials (meta.recordHeader)" })),
    ...publicUse.removed,
  ];
  return { ...publicUse, removed };
}

/**
 * Writes the export bundle of one Phase II instrument's records (at one site or all): the records
 * table, one table per repeating panel, the restricted audit trail, the codebook and manifest.json,
 * in the same formats and by the same writers as a fielding's export. Recorded in the audit log.
 */
export async function exportRecords(
  ctx: { repos: { audit: AuditRepo; db: Db }; instruments: InstrumentRegistry; clock: Clock },
  request: RecordExportRequest,
): Promise<RecordExportManifest> {
  const repo = createRecordExportRepo(ctx.repos.db);
  const site = request.site === undefined ? undefined : repo.siteByName(request.site.trim());
  if (request.site !== undefined && !site) {
    throw new AppError(404, 'site_not_found', `No site is named "${request.site}".`);
  }
  const selection = {
    instrumentId: request.instrument,
    ...(site ? { siteId: site.id } : {}),
    includeDrafts: request.includeDrafts,
  };
  const { newest, instruments } = versionsOf(ctx.instruments, request.instrument, repo.versionsOf(selection));
  refuseExistingOut(request.out);
  const onProgress = request.onProgress;
  const dataset = recordDataset(repo, selection, instruments, {
    ...(onProgress
      ? { onRecords: (done: number, total: number) => onProgress({ done, total, label: 'records' }) }
      : {}),
  });
  const k = request.kAnonymity ?? K_ANONYMITY;
  const publicUse = request.public ? publicRecords(dataset, instruments, request, k) : undefined;
  const table = publicUse?.table ?? dataset.table;
  // Repeating panels and the audit trail stay in the identified export, like a fielding's second tables.
  const linked = request.public ? [] : [...dataset.entryTables, dataset.auditTrail];
  const label = `${site?.name ?? 'all sites'}: ${newest.key}`;
  const manifest = await writeBundle(
    {
      out: request.out,
      formats: request.formats,
      public: request.public,
      k,
      label,
      table,
      linked,
      codebook: dataset.codebook,
      ...(request.public ? {} : { restrictedTables: [auditTrailDescription(dataset.auditTrail)] }),
      design: false,
      mtime: ctx.clock(),
      ...(onProgress ? { onProgress } : {}),
    },
    ({ files, cuts }): RecordExportManifest => ({
      instrument: newest.key,
      instruments: instruments.map((i) => i.key),
      site: site?.name ?? null,
      createdAt: ctx.clock().toISOString(),
      options: {
        formats: request.formats,
        includeDrafts: request.includeDrafts,
        public: request.public,
        includeFreeText: request.includeFreeText,
        ...(request.public ? { kAnonymity: k } : {}),
      },
      ...(publicUse ? { publicUse: (({ table: _t, ...report }) => report)(publicUse) } : {}),
      records: dataset.byStatus,
      tables: [table, ...linked].map((t) => ({
        name: t.name,
        rows: t.rowCount,
        columns: t.variables.length,
        ...(t === dataset.auditTrail ? { restricted: true as const } : {}),
      })),
      warnings: [
        ...cuts,
        ...(publicUse?.withheldRows
          ? [
              `The public-use file holds no rows: its ${publicUse.withheldRows} record(s) are fewer than k = ${k}, so no combination of quasi-identifiers could hold k.`,
            ]
          : []),
      ],
      files,
    }),
  );
  ctx.repos.audit.recordAudit({
    at: manifest.createdAt,
    actor: request.actor,
    action: 'export_records',
    fielding: null,
    detail: {
      out: path.basename(request.out),
      instrument: request.instrument,
      site: manifest.site,
      options: manifest.options,
      files: manifest.files,
    },
  });
  return manifest;
}
