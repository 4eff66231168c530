import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { type AddedTable, codebookHtml } from '../codebook/render.js';
import type { VersionedCodebook } from '../codebook/union.js';
import { AppError } from '../platform/errors.js';
import { csvChunks } from './csv.js';
import { designDo, designR, designSps } from './design.js';
import { dtaChunks } from './dta.js';
import { frequencyCounts, summarizeTable, type TableSummary } from './frequencies.js';
import { rScript } from './rScript.js';
import { savChunks } from './sav.js';
import type { ExportTable, StringCut } from './table.js';
import { xlsxOfTable } from './xlsx.js';

/**
 * The files of an export bundle, whatever its rows are (a fielding's cases, Phase II records): the
 * main table and its second tables in every chosen format, the codebook, and manifest.json, written
 * into a hidden folder and renamed into place (or zipped) only when whole.
 */

export const EXPORT_FORMATS = ['csv', 'labels', 'xlsx', 'sav', 'dta', 'r', 'codebook'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type BundleFile = { name: string; bytes: number; sha256: string };

/**
 * A manifest warning for a text a .sav had to cut, naming the file, the variable and the row (its
 * export `case_id` or `record_id`, and the entry keys of a second table), never the text itself.
 */
export function savCutWarning(file: string, table: ExportTable, cut: StringCut): string {
  const at = (name: string) => table.variables.findIndex((v) => v.name === name);
  // A table built without its keys named: case_id, and the entry number if it has one.
  const numbered = `${table.name}_n`;
  const [mainKey = 'case_id', ...entryKeys] = table.key ?? ['case_id', ...(at(numbered) >= 0 ? [numbered] : [])];
  const id = cut.cells[at(mainKey)];
  const noun = mainKey === 'record_id' ? 'record' : 'case';
  const entries = entryKeys.map((k) => `${k === numbered ? 'entry' : k} ${cut.cells[at(k)]}`);
  const which = id === undefined ? `row ${cut.row}` : [`${noun} ${id}`, ...entries].join(', ');
  const n = (bytes: number) => bytes.toLocaleString('en-US');
  return `${file}: ${cut.variable} of ${which} has ${n(cut.bytes)} bytes of text; an SPSS string holds at most ${n(cut.maxBytes)}, so ${file} keeps its first ${n(cut.keptBytes)} bytes, cut between characters.`;
}

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

/** An export never overwrites: checked before the rows are read, and again before writing. */
export function refuseExistingOut(out: string): void {
  if (existsSync(out)) {
    throw new AppError(409, 'exists', `${out} already exists; choose a new folder for the export.`);
  }
}

export type BundleRequest = {
  /** The folder to create, or a `.zip` file; it must not exist yet. */
  out: string;
  formats: readonly ExportFormat[];
  /** A public-use file: the codebook withholds small counts (k) and has no per-code frequencies. */
  public: boolean;
  k: number;
  /** The data files' label ("pilot: tip-prosecutor-survey@1.0.0"). */
  label: string;
  table: ExportTable;
  /** The tables beside the main one (repeating panels, the audit trail), each written in every format. */
  linked: readonly ExportTable[];
  codebook: VersionedCodebook;
  /** Tables no question makes (a records export's audit trail), described in codebook.json and .html. */
  restrictedTables?: readonly AddedTable[];
  /** design.R, design.do, design.sps: the survey design of a fielding's weights. */
  design: boolean;
  mtime: Date;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
};

/**
 * Writes the bundle's files and, from what was written (each file's size and SHA-256, the texts a
 * .sav had to cut), its manifest.json; removes every partial file if anything fails.
 */
export async function writeBundle<M>(
  request: BundleRequest,
  manifestOf: (written: { files: BundleFile[]; cuts: string[] }) => M,
): Promise<M> {
  refuseExistingOut(request.out);
  const { table, codebook, mtime, label, onProgress } = request;
  const partial = path.join(
    path.dirname(request.out),
    `.${path.basename(request.out)}.part-${randomBytes(4).toString('hex')}`,
  );
  const files: BundleFile[] = [];
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
  const panels = request.linked;
  if (has('r')) {
    const rPanels = panels.map((t) => ({ table: t, csvFile: `data_${t.name}.csv`, object: `data_${t.name}` }));
    sync('data.R', () => [rScript(table, rPanels)]);
  }
  // The design, ready to run in each tool whose data file is in the bundle.
  if (request.design && has('r')) sync('design.R', () => [designR()]);
  if (request.design && has('dta')) sync('design.do', () => [designDo()]);
  if (request.design && has('sav')) sync('design.sps', () => [designSps()]);
  // One pass over the rows gives the codebook's statistics and data.xlsx's frequencies sheet; a public file withholds small counts.
  let summarized: TableSummary | undefined;
  const summary = () => {
    summarized ??= summarizeTable(table, request.public ? { k: request.k } : {});
    return summarized;
  };
  if (has('xlsx')) streamed('data.xlsx', () => xlsxOfTable(table, codebook.variables, { mtime, summary: summary() }));
  // Texts longer than a format holds are cut in that file only, and each cut is a manifest warning.
  const cuts: string[] = [];
  const onCut = (file: string, t: ExportTable) => (cut: StringCut) => cuts.push(savCutWarning(file, t, cut));
  if (has('sav')) sync('data.sav', () => savChunks(table, { fileLabel: label, onCut: onCut('data.sav', table) }));
  if (has('dta')) sync('data.dta', () => dtaChunks(table, { datasetLabel: label }));
  // Repeating panels (also those inside another's entries), dynamic matrices, the audit trail: a table
  // each, keyed by the main key and their own keys.
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
      const json = {
        ...codebook,
        variables: withShort,
        exportColumns: added,
        ...(request.restrictedTables ? { restrictedTables: request.restrictedTables } : {}),
        ...counts,
        statistics,
        design,
      };
      return [`${JSON.stringify(json, null, 2)}\n`];
    });
    sync('codebook.html', () => [
      codebookHtml(
        codebook,
        { ...withDesignFiles(), variables: table.variables },
        added,
        request.restrictedTables ?? [],
      ),
    ]);
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
    const manifest = manifestOf({ files, cuts });
    writeFile(path.join(partial, 'manifest.json'), [`${JSON.stringify(manifest, null, 2)}\n`]);
    if (request.out.toLowerCase().endsWith('.zip')) {
      // A bundle: the same files in one zip, written to `.part` and renamed when whole.
      await zipFiles(partial, [...files.map((f) => f.name), 'manifest.json'], `${request.out}.part`);
      renameSync(`${request.out}.part`, request.out);
      rmSync(partial, { recursive: true, force: true });
    } else {
      renameSync(partial, request.out);
    }
    return manifest;
  } catch (err) {
    if (existsSync(partial)) rmSync(partial, { recursive: true, force: true });
    rmSync(`${request.out}.part`, { force: true });
    throw err;
  }
}
