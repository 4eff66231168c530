import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import { codebookHtml } from '../codebook/render.js';
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
import { csvChunks } from './csv.js';
import { caseTable } from './dataset.js';
import { designDo, designR, designSps } from './design.js';
import { dtaChunks } from './dta.js';
import { frequencyCounts, summarizeTable, type TableSummary } from './frequencies.js';
import { K_ANONYMITY, type PublicUse, publicUseTable } from './publicUse.js';
import { createExportRepo } from './repo.js';
import { rScript } from './rScript.js';
import { savChunks } from './sav.js';
import type { ExportTable, StringCut } from './table.js';
import { xlsxOfTable } from './xlsx.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  offices: OfficeRepo;
  tokens: TokenRepo;
};

export const EXPORT_FORMATS = ['csv', 'labels', 'xlsx', 'sav', 'dta', 'r', 'codebook'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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

/**
 * A manifest warning for a text a .sav had to cut, naming the file, the variable and the case (its
 * export `case_id`, and the entry of a second table), never the text itself.
 */
export function savCutWarning(file: string, table: ExportTable, cut: StringCut): string {
  const at = (name: string) => table.variables.findIndex((v) => v.name === name);
  const [mainKey = 'case_id', ...entryKeys] = table.key ?? ['case_id', `${table.name}_n`];
  const caseId = cut.cells[at(mainKey)];
  const entries = entryKeys
    .filter((k) => at(k) >= 0)
    .map((k) => `${k === `${table.name}_n` ? 'entry' : k} ${cut.cells[at(k)]}`);
  const which = caseId === undefined ? `row ${cut.row}` : [`case ${caseId}`, ...entries].join(', ');
  const n = (bytes: number) => bytes.toLocaleString('en-US');
  return `${file}: ${cut.variable} of ${which} has ${n(cut.bytes)} bytes of text; an SPSS string holds at most ${n(cut.maxBytes)}, so ${file} keeps its first ${n(cut.keptBytes)} bytes, cut between characters.`;
}

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

/** Zips the named files of a folder into `target`, streaming (yazl), readable by the owner only. */
function zipFiles(dir: string, names: string[], target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    for (const name of names) zip.addFile(path.join(dir, name), name);
    const out = createWriteStream(target, { flags: 'wx', mode: 0o600 });
    out.on('close', () => resolve());
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
}

/** A new file, readable by the owner only, that counts and hashes what is written to it. */
function hashedFile(file: string) {
  const hash = createHash('sha256');
  let bytes = 0;
  const fd = openSync(file, 'wx', 0o600);
  return {
    write(chunk: string | Buffer) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      hash.update(buffer);
      writeSync(fd, buffer);
      bytes += buffer.length;
    },
    close: () => closeSync(fd),
    written: () => ({ bytes, sha256: hash.digest('hex') }),
  };
}

/** Writes chunks to a new file, returning its size and SHA-256. */
function writeFile(file: string, chunks: Iterable<string | Buffer>): { bytes: number; sha256: string } {
  const out = hashedFile(file);
  try {
    for (const chunk of chunks) out.write(chunk);
  } finally {
    out.close();
  }
  return out.written();
}

/** Writes a stream (an .xlsx being zipped) to a new file, returning its size and SHA-256. */
async function writeStreamed(file: string, stream: Readable): Promise<{ bytes: number; sha256: string }> {
  const out = hashedFile(file);
  try {
    for await (const chunk of stream) out.write(chunk as Buffer);
  } finally {
    out.close();
  }
  return out.written();
}

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
  if (existsSync(request.out)) {
    throw new AppError(409, 'exists', `${request.out} already exists; choose a new folder for the export.`);
  }
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
  const partial = path.join(
    path.dirname(request.out),
    `.${path.basename(request.out)}.part-${randomBytes(4).toString('hex')}`,
  );
  const files: ExportManifest['files'] = [];
  const mtime = ctx.clock();
  const label = `${fielding.name}: ${instrument.key}`;
  const has = (format: ExportFormat) => request.formats.includes(format);
  /** The bundle's files in order, each written when its turn comes; their count drives the progress bar. */
  type Written = { bytes: number; sha256: string };
  const jobs: { name: string; write: (file: string) => Written | Promise<Written> }[] = [];
  const sync = (name: string, chunks: () => Iterable<string | Buffer>) =>
    jobs.push({ name, write: (file) => writeFile(file, chunks()) });
  const streamed = (name: string, stream: () => Readable) =>
    jobs.push({ name, write: (file) => writeStreamed(file, stream()) });
  // data.R reads data.csv, so asking for R brings the CSV along.
  if (has('csv') || has('r')) sync('data.csv', () => csvChunks(table));
  const panels = request.public ? [] : built.entryTables;
  if (has('r')) {
    const rPanels = panels.map((t) => ({ table: t, csvFile: `data_${t.name}.csv`, object: `data_${t.name}` }));
    sync('data.R', () => [rScript(table, rPanels)]);
  }
  // The design, ready to run in each tool whose data file is in the bundle.
  if (has('r')) sync('design.R', () => [designR()]);
  if (has('dta')) sync('design.do', () => [designDo()]);
  if (has('sav')) sync('design.sps', () => [designSps()]);
  // One pass over the rows gives the codebook's statistics and data.xlsx's frequencies sheet; a public file withholds small counts.
  let summarized: TableSummary | undefined;
  const summary = () => {
    summarized ??= summarizeTable(table, request.public ? { k } : {});
    return summarized;
  };
  if (has('xlsx')) streamed('data.xlsx', () => xlsxOfTable(table, codebook.variables, { mtime, summary: summary() }));
  // Texts longer than a format holds are cut in that file only, and each cut is a manifest warning.
  const cuts: string[] = [];
  const onCut = (file: string, t: ExportTable) => (cut: StringCut) => cuts.push(savCutWarning(file, t, cut));
  if (has('sav')) sync('data.sav', () => savChunks(table, { fileLabel: label, onCut: onCut('data.sav', table) }));
  if (has('dta')) sync('data.dta', () => dtaChunks(table, { datasetLabel: label }));
  // Repeating panels (also those inside another's entries) and dynamic matrices: a second table each, keyed by case_id and entry keys.
  for (const t of panels) {
    if (has('csv') || has('r')) sync(`data_${t.name}.csv`, () => csvChunks(t));
    if (has('labels')) sync(`data_${t.name}_labels.csv`, () => csvChunks(t, { labels: true }));
    if (has('xlsx'))
      streamed(`data_${t.name}.xlsx`, () => xlsxOfTable(t, codebook.variables, { mtime, summary: summarizeTable(t) }));
    if (has('sav')) {
      const file = `data_${t.name}.sav`;
      sync(file, () => savChunks(t, { fileLabel: `${label}, ${t.name}`, onCut: onCut(file, t) }));
    }
    if (has('dta')) sync(`data_${t.name}.dta`, () => dtaChunks(t, { datasetLabel: `${label}, ${t.name}` }));
  }
  if (has('labels')) sync('data_labels.csv', () => csvChunks(table, { labels: true }));
  if (has('codebook')) {
    const asked = new Set(codebook.variables.map((v) => v.name));
    const added = table.variables
      .filter((v) => !asked.has(v.name))
      .map(({ name, label, shortLabel, kind, valueLabels, missing }) => ({
        name,
        label,
        ...(shortLabel ? { shortLabel } : {}),
        kind,
        valueLabels,
        missing,
      }));
    // Each variable's short label too: the one .dta files and the labels sheet show (shortLabels.ts).
    const shortLabelOf = new Map(table.variables.map((v) => [v.name, v.shortLabel]));
    const withShort = codebook.variables.map((v) => {
      const shortLabel = shortLabelOf.get(v.name);
      return shortLabel ? { ...v, shortLabel } : v;
    });
    // Called when the codebook is written, after every job is declared: the design names the bundle's design files.
    const withDesignFiles = () => {
      const { statistics, design } = summary();
      const files = jobs.map((j) => j.name).filter((name) => /^design\.(R|do|sps)$/.test(name));
      return { statistics, design: { ...design, files } };
    };
    sync('codebook.json', () => {
      const { statistics, design } = withDesignFiles();
      // The first release's per-code counts stay in the identified file; a public file has only `statistics`, small counts withheld.
      const counts = request.public ? {} : { frequencies: frequencyCounts(statistics) };
      const json = { ...codebook, variables: withShort, exportColumns: added, ...counts, statistics, design };
      return [`${JSON.stringify(json, null, 2)}\n`];
    });
    sync('codebook.html', () => [codebookHtml(codebook, { ...withDesignFiles(), variables: table.variables }, added)]);
  }
  try {
    mkdirSync(partial, { mode: 0o700 });
    for (const job of jobs) {
      let written: Written;
      try {
        written = await job.write(path.join(partial, job.name));
      } catch (err) {
        // A writer refusing a table names the variable and row; say which file, without a stack trace.
        const reason = err instanceof Error ? err.message : String(err);
        throw new AppError(500, 'export_failed', `${job.name} could not be written: ${reason}`);
      }
      files.push({ name: job.name, ...written });
      onProgress?.({ done: files.length, total: jobs.length, label: `files (${job.name})` });
    }
    const manifest: ExportManifest = {
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
    };
    writeFile(path.join(partial, 'manifest.json'), [`${JSON.stringify(manifest, null, 2)}\n`]);
    if (request.out.toLowerCase().endsWith('.zip')) {
      // A bundle: the same files in one zip, written to `.part` and renamed when whole.
      await zipFiles(partial, [...files.map((f) => f.name), 'manifest.json'], `${request.out}.part`);
      renameSync(`${request.out}.part`, request.out);
      rmSync(partial, { recursive: true, force: true });
    } else {
      renameSync(partial, request.out);
    }
    ctx.repos.audit.recordAudit({
      at: manifest.createdAt,
      actor: request.actor,
      action: 'export',
      fielding: fielding.name,
      detail: { out: path.basename(request.out), options: manifest.options, files },
    });
    return manifest;
  } catch (err) {
    if (existsSync(partial)) rmSync(partial, { recursive: true, force: true });
    rmSync(`${request.out}.part`, { force: true });
    throw err;
  } finally {
    built.dispose();
  }
}
