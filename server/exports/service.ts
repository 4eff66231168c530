import path from 'node:path';
import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { disclosureOf } from '../instruments/disclosure.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import type { Disclosure } from '../instruments/schema.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import type { TokenRepo } from '../tokens/repo.js';
import { type ExportFormat, refuseExistingOut, writeBundle } from './bundle.js';
import { caseTable } from './dataset.js';
import { K_ANONYMITY, type PublicUse, publicUseTable } from './publicUse.js';
import { createExportRepo } from './repo.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  offices: OfficeRepo;
  tokens: TokenRepo;
};

export { EXPORT_FORMATS, type ExportFormat, savCutWarning } from './bundle.js';

export type ExportRequest = {
  fielding: string;
  /** The folder to create, or a `.zip` file; it must not exist yet. */
  out: string;
  formats: readonly ExportFormat[];
  completesOnly: boolean;
  /** The de-identified public-use file (publicUse.ts). */
  public: boolean;
  /** With `public`: keep free-text answers. */
  includeFreeText: boolean;
  /** With `public`: every combination of the quasi-identifiers holds at least this many rows (default 3). */
  kAnonymity?: number;
  /** Who asked, for the audit log (the OS user for the CLI). */
  actor: string;
  /** Told as the cases are read and as each file is written (the CLI draws a progress bar). */
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
};

export type ExportManifest = {
  fielding: string;
  /** The instrument new responses use (id@version). */
  instrument: string;
  /** Every version the exported cases answered, as id@version; variables are their union. */
  instruments: string[];
  createdAt: string;
  options: {
    formats: readonly ExportFormat[];
    completesOnly: boolean;
    public: boolean;
    includeFreeText: boolean;
    kAnonymity?: number;
  };
  /** For a public-use file: k, its quasi-identifiers, the variables left out and why, and every change with its row count. */
  publicUse?: Omit<PublicUse, 'table'>;
  tables: { name: string; rows: number; columns: number }[];
  /**
   * Duplicate submissions per office. The database holds one case per office and fielding and one
   * response per case (UNIQUE constraints, db/migrations/0001_init.sql): a second visit revises
   * that response, so an export never has two rows of one office and `dropped` is empty.
   */
  duplicates: { rule: string; dropped: { officeId: string; caseId: number }[] };
  /** What an analyst must know about this file (e.g. a stratum without completes). */
  warnings: string[];
  /**
   * Every case of the fielding by final disposition code and stratum, the cases the data file
   * leaves out included (the fieldwork status counts the same; test/fieldwork/agreement.test.ts).
   * Only in the identified export, like the codebook's frequencies.
   */
  dispositions?: Record<string, Record<string, number>>;
  /** The fielding's thresholds the dispositions were derived with, in percent of the questions shown. */
  dispositionThresholds: { complete: number; partial: number };
  files: { name: string; bytes: number; sha256: string }[];
};

/** Export variable name -> the disclosure tag of its question, the current version's tag first. */
function disclosureByVariable(
  instruments: readonly Instrument[],
  variables: readonly { name: string; question: string; table: string }[],
): Map<string, Disclosure> {
  const byQuestion = new Map<string, Disclosure>();
  for (const instrument of [...instruments].reverse()) {
    for (const [question, tag] of Object.entries(disclosureOf(instrument.meta))) byQuestion.set(question, tag);
  }
  const out = new Map<string, Disclosure>();
  for (const v of variables) {
    const tag = v.table === 'main' ? byQuestion.get(v.question) : undefined;
    if (tag) out.set(v.name, tag);
  }
  return out;
}

const publicUseReport = ({ table: _table, ...report }: PublicUse) => report;

/**
 * Writes the export bundle of a fielding into a new folder: the files of the chosen formats and a
 * manifest.json with the row and column counts and each file's SHA-256. Everything is written into
 * a hidden sibling folder first and renamed into place when complete, so an interrupted export
 * never leaves a folder that looks whole. Each export is recorded in the audit log.
 */
export async function exportFielding(
  ctx: { repos: Repos; instruments: InstrumentRegistry; clock: Clock },
  request: ExportRequest,
): Promise<ExportManifest> {
  const fielding = findFieldingOrFail(ctx.repos, request.fielding);
  // The version new responses use first, then every other version a response was started on.
  const versions = [
    fielding.instrument_version,
    ...ctx.repos.fieldings
      .responsesByVersion(fielding.id)
      .map((v) => v.instrument_version)
      .filter((v) => v !== fielding.instrument_version)
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true })),
  ];
  const instruments = versions.map((version) => {
    const found = ctx.instruments.get(fielding.instrument_id, version);
    if (!found) {
      throw new AppError(
        500,
        'instrument_missing',
        `Instrument ${fielding.instrument_id}@${version} is not loaded on this server: responses of fielding "${fielding.name}" were given on it. Restore its file in the instruments folder.`,
      );
    }
    return found;
  });
  const instrument = instruments[0] as (typeof instruments)[number];
  refuseExistingOut(request.out);
  const repo = createExportRepo(ctx.repos.db);
  const onProgress = request.onProgress;
  const built = caseTable(repo, fielding, instruments, {
    completesOnly: request.completesOnly,
    thresholds: ctx.repos.fieldings.dispositionThresholdsOf(fielding.id),
    ...(onProgress ? { onCases: (done: number, total: number) => onProgress({ done, total, label: 'cases' }) } : {}),
  });
  const { codebook, warnings } = built;
  const k = request.kAnonymity ?? K_ANONYMITY;
  let publicUse: PublicUse | undefined;
  try {
    publicUse = request.public
      ? publicUseTable(built.table, {
          includeFreeText: request.includeFreeText,
          k,
          disclosure: disclosureByVariable(instruments, codebook.variables),
        })
      : undefined;
  } catch (err) {
    built.dispose();
    throw err;
  }
  const table = publicUse?.table ?? built.table;
  try {
    const manifest = await writeBundle(
      {
        out: request.out,
        formats: request.formats,
        public: request.public,
        k,
        label: `${fielding.name}: ${instrument.key}`,
        table,
        linked: request.public ? [] : built.entryTables,
        codebook,
        design: true,
        mtime: ctx.clock(),
        ...(onProgress ? { onProgress } : {}),
      },
      ({ files, cuts }): ExportManifest => ({
        fielding: fielding.name,
        instrument: instrument.key,
        instruments: instruments.map((i) => i.key),
        createdAt: ctx.clock().toISOString(),
        options: {
          formats: request.formats,
          completesOnly: request.completesOnly,
          public: request.public,
          includeFreeText: request.includeFreeText,
          ...(request.public ? { kAnonymity: k } : {}),
        },
        ...(publicUse ? { publicUse: publicUseReport(publicUse) } : {}),
        tables: [table, ...(request.public ? [] : built.entryTables)].map((t) => ({
          name: t.name,
          rows: t.rowCount,
          columns: t.variables.length,
        })),
        duplicates: {
          rule: 'One case per office and fielding, one response per case (database constraints); a return visit revises the same response, so no office has two rows.',
          dropped: [],
        },
        warnings: [
          ...warnings,
          ...cuts,
          ...(publicUse?.withheldRows
            ? [
                `The public-use file holds no rows: its ${publicUse.withheldRows} case(s) are fewer than k = ${k}, so no combination of quasi-identifiers could hold k.`,
              ]
            : []),
        ],
        ...(request.public ? {} : { dispositions: built.dispositionCounts }),
        dispositionThresholds: { complete: fielding.complete_pct, partial: fielding.partial_pct },
        files,
      }),
    );
    ctx.repos.audit.recordAudit({
      at: manifest.createdAt,
      actor: request.actor,
      action: 'export',
      fielding: fielding.name,
      detail: { out: path.basename(request.out), options: manifest.options, files: manifest.files },
    });
    return manifest;
  } finally {
    built.dispose();
  }
}
