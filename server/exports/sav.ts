/**
 * SPSS system file (.sav) writer: uncompressed, little-endian, UTF-8. Variable labels, value labels,
 * user-missing codes, measurement levels and widths are declared; a string over 255 bytes is a very
 * long string (subtype 14) of up to SPSS's 32,767 bytes, and a longer text is cut at a UTF-8
 * character boundary and reported through `onCut`. A date-time is a DATETIME20 variable (seconds
 * since 1582-10-14) and a 0/1 variable prints two decimals, so its mean reads as a share.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { layoutColumns, MAX_PIECE_WIDTH, type SavColumn, utf8Truncate } from './savColumns.js';
import { dictionaryBytes, SYSMIS } from './savDictionary.js';
import type { Cell, ExportTable, StringCut } from './table.js';

export type SavOptions = { created?: Date; fileLabel?: string; onCut?: (cut: StringCut) => void };

const CHUNK_BYTES = 64 * 1024;
const SPACE = 0x20;

function encodeCase(row: Cell[], columns: SavColumn[], into: Buffer): void {
  let offset = 0;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as SavColumn;
    const cell = row[i] ?? null;
    if (column.width === 0) {
      into.writeDoubleLE(typeof cell === 'number' && Number.isFinite(cell) ? column.stored(cell) : SYSMIS, offset);
      offset += 8;
    } else {
      const end = offset + column.segments * 8;
      into.fill(SPACE, offset, end);
      // Buffer#write never writes a partial UTF-8 character, so cutting at the width is safe.
      if (typeof cell === 'string' && column.pieces.length === 1) into.write(cell, offset, column.width, 'utf8');
      else if (typeof cell === 'string') writePieces(utf8Truncate(cell, column.width), column, into, offset);
      offset = end;
    }
  }
}

/**
 * A very long string's text, 255 bytes to each piece (a character may straddle two: readers join
 * the pieces' bytes before decoding them), each piece padded to its 8-byte segments.
 */
function writePieces(text: Buffer, column: SavColumn, into: Buffer, offset: number): void {
  let at = offset;
  column.pieces.forEach((piece, p) => {
    const start = p * MAX_PIECE_WIDTH;
    if (start < text.length) text.copy(into, at, start, Math.min(text.length, start + MAX_PIECE_WIDTH));
    at += Math.ceil(piece.width / 8) * 8;
  });
}

/** The file in chunks: the dictionary first, then the cases about 64 KiB at a time. */
export function* savChunks(table: ExportTable, options: SavOptions = {}): Generator<Buffer> {
  const { columns, caseSegments } = layoutColumns(table, options.onCut);
  yield dictionaryBytes(columns, {
    created: options.created ?? new Date(),
    fileLabel: options.fileLabel ?? '',
    caseSegments,
    rowCount: table.rowCount,
  });
  const caseBytes = caseSegments * 8;
  if (caseBytes === 0) return;
  const casesPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / caseBytes));
  const row = Buffer.alloc(caseBytes);
  let chunk = Buffer.allocUnsafe(casesPerChunk * caseBytes);
  let filled = 0;
  for (const cells of table.rows()) {
    encodeCase(cells, columns, row);
    row.copy(chunk, filled);
    filled += caseBytes;
    if (filled === chunk.length) {
      yield chunk;
      chunk = Buffer.allocUnsafe(casesPerChunk * caseBytes);
      filled = 0;
    }
  }
  if (filled > 0) yield chunk.subarray(0, filled);
}

/** Streams the file to `path + '.part'` and renames it to `path` only once it is complete. */
export async function writeSav(table: ExportTable, path: string, options: SavOptions = {}): Promise<void> {
  const partial = `${path}.part`;
  try {
    await pipeline(Readable.from(savChunks(table, options), { objectMode: false }), createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
