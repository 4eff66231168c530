/**
 * The small part of MIME (RFC 5322, 2045, 2046) that reading delivery-status notifications needs:
 * header blocks with folding, Content-Type parameters, multipart bodies and the two transfer
 * encodings. Pure, no I/O. Every line keeps its number in the file so that problems can name it.
 */

/** One line of the file (CR/LF removed, mbox escaping undone) and its 1-based number in the file. */
export type Line = { text: string; line: number };

/** A header field, unfolded; `column` is where its value starts on its first line (1-based). */
export type HeaderField = { name: string; value: string; line: number; column?: number };

export type Entity = { line: number; headers: HeaderField[]; body: Line[] };

export type MimeProblem = { line: number; column?: number; message: string };

export type ContentType = { type: string; params: Record<string, string>; line: number };

// RFC 5322 field name: printable ASCII except the colon.
const FIELD = /^([!-9;-~]+)[ \t]*:[ \t]*/;
const isBlank = (l: Line) => l.text.trim() === '';
const isFolded = (l: Line) => /^[ \t]/.test(l.text);

/** Splits on CRLF or LF; a file that ends with a newline has no empty last line. */
export function toLines(text: string): Line[] {
  const parts = text.split(/\r?\n/);
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts.map((t, i) => ({ text: t, line: i + 1 }));
}

export const startsWithHeader = (lines: readonly Line[]) => lines.length > 0 && FIELD.test(lines[0]?.text ?? '');

/**
 * Postfix's header_size_limit (102,400) and far more lines than any MTA folds a header into: a
 * block past either is an attack or garbage, and refusing it keeps a hostile file cheap to read.
 */
export const MAX_HEADER_LINES = 1_000;
export const MAX_HEADER_CHARS = 102_400;

/**
 * A header block past MAX_HEADER_LINES or MAX_HEADER_CHARS: thrown, since any caller at any depth
 * may meet one and the whole message is refused (dsn.ts names it), never read in part.
 */
export class HeaderTooLarge extends Error {
  constructor(
    readonly at: { line: number; column: number },
    readonly blockStart: number,
    readonly limit: 'lines' | 'characters',
  ) {
    super('header block too large');
  }
}

/**
 * Reads header fields up to the first blank line. Lines that are neither a field nor a folded
 * continuation are returned in `invalid`: ordinary mail in an mbox is often sloppy and is not our
 * business, but a delivery-status part is read strictly by its caller. Linear in the block's size:
 * folded pieces are joined once at the end, since re-joining a value on every continuation line
 * made one header folded over 60,000 lines cost tens of seconds.
 */
export function readHeaderBlock(lines: readonly Line[]): { fields: HeaderField[]; rest: Line[]; invalid: Line[] } {
  const fields: HeaderField[] = [];
  const pieces: string[][] = [];
  const invalid: Line[] = [];
  const blockStart = lines[0]?.line ?? 1;
  let chars = 0;
  let i = 0;
  for (; i < lines.length; i++) {
    const current = lines[i] as Line;
    if (isBlank(current)) {
      i++;
      break;
    }
    if (i >= MAX_HEADER_LINES) throw new HeaderTooLarge({ line: current.line, column: 1 }, blockStart, 'lines');
    if (chars + current.text.length > MAX_HEADER_CHARS) {
      const column = MAX_HEADER_CHARS - chars + 1;
      throw new HeaderTooLarge({ line: current.line, column }, blockStart, 'characters');
    }
    chars += current.text.length;
    const last = fields.at(-1);
    if (isFolded(current) && last) {
      const piece = current.text.trim();
      if (piece === '') continue;
      if (last.column === undefined) last.column = 1 + current.text.search(/\S/);
      pieces.at(-1)?.push(piece);
      continue;
    }
    const match = FIELD.exec(current.text);
    if (!match) {
      invalid.push(current);
      continue;
    }
    const value = current.text.slice(match[0].length).trim();
    fields.push({
      name: (match[1] as string).toLowerCase(),
      value,
      line: current.line,
      ...(value === '' ? {} : { column: match[0].length + 1 }),
    });
    pieces.push(value === '' ? [] : [value]);
  }
  fields.forEach((f, n) => {
    f.value = (pieces[n] as string[]).join(' ');
  });
  return { fields, rest: lines.slice(i), invalid };
}

/** A message or body part: its header block and its body. A part that starts blank has no headers. */
export function readEntity(lines: readonly Line[], line: number): Entity {
  const { fields, rest } = readHeaderBlock(lines);
  return { line, headers: fields, body: rest };
}

export const field = (headers: readonly HeaderField[], name: string) => headers.find((h) => h.name === name);

/** `type/subtype; name=value; name="quoted \"value\""`: type and names lower-cased, quotes removed. */
export function contentTypeOf(entity: Entity): ContentType {
  const header = field(entity.headers, 'content-type');
  if (!header) return { type: 'text/plain', params: {}, line: entity.line };
  const value = withoutComments(header.value);
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const param = /;\s*([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const m of value.slice(Math.max(semicolon, 0)).matchAll(param)) {
    const raw = (m[2] as string).trim();
    const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    params[(m[1] as string).toLowerCase()] = unquoted;
  }
  return { type, params, line: header.line };
}

/** RFC 5322 comments `(like this)`, nested or not, removed; a quoted string keeps its parentheses. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
    } else if (depth === 0 && c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === '(') {
      depth++;
    } else if (!quoted && depth > 0 && c === ')') {
      depth--;
      if (depth === 0) out += ' ';
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}

/**
 * The parts of a multipart body between `--boundary` lines (the preamble and the epilogue are not
 * parts). A missing closing delimiter is tolerated: truncated bounces are common and the status
 * part comes early.
 */
export function multipartParts(entity: Entity, boundary: string): Entity[] | undefined {
  const open = `--${boundary}`;
  const close = `${open}--`;
  const parts: Entity[] = [];
  let current: Line[] | undefined;
  let seen = false;
  for (const l of entity.body) {
    const text = l.text.trimEnd();
    if (text === open || text === close) {
      seen = true;
      if (current) parts.push(partOf(current, l.line));
      current = text === close ? undefined : [];
      if (text === close) break;
      continue;
    }
    current?.push(l);
  }
  if (current) parts.push(partOf(current, entity.body.at(-1)?.line ?? entity.line));
  return seen ? parts : undefined;
}

function partOf(lines: Line[], endLine: number): Entity {
  const first = lines[0];
  if (!first) return { line: endLine, headers: [], body: [] };
  if (isBlank(first)) return { line: first.line, headers: [], body: lines.slice(1) };
  // A part whose first line is no header has none: all of it is body (RFC 2046 default text/plain).
  if (!startsWithHeader(lines)) return { line: first.line, headers: [], body: lines };
  return readEntity(lines, first.line);
}

/**
 * The body with its Content-Transfer-Encoding undone. Quoted-printable keeps each decoded line at
 * the number of its first physical line (soft breaks join lines); base64 cannot, so every decoded
 * line carries the number of the body's first line and `exact` is false.
 */
export function decodedBody(entity: Entity): { lines: Line[]; exact: boolean } | MimeProblem {
  const header = field(entity.headers, 'content-transfer-encoding');
  const encoding = (header?.value ?? '7bit').toLowerCase();
  if (['7bit', '8bit', 'binary', ''].includes(encoding)) return { lines: entity.body, exact: true };
  if (encoding === 'quoted-printable') return { lines: decodeQuotedPrintable(entity.body), exact: true };
  const at = entity.body[0]?.line ?? entity.line;
  if (encoding === 'base64') {
    const joined = entity.body.map((l) => l.text.trim()).join('');
    const bad = /[^A-Za-z0-9+/=]/.exec(joined);
    if (bad) return { line: at, message: `base64 body contains "${bad[0]}", which base64 does not use` };
    const text = Buffer.from(joined, 'base64').toString('utf8');
    return { lines: toLines(text).map((l) => ({ text: l.text, line: at })), exact: false };
  }
  return {
    line: header?.line ?? entity.line,
    ...(header?.column === undefined ? {} : { column: header.column }),
    message: `unknown Content-Transfer-Encoding "${header?.value ?? ''}"`,
  };
}

function decodeQuotedPrintable(body: readonly Line[]): Line[] {
  const out: Line[] = [];
  let pending: { bytes: number[]; line: number } | undefined;
  for (const l of body) {
    const text = l.text.replace(/[ \t]+$/, '');
    const soft = text.endsWith('=');
    const bytes = pending?.bytes ?? [];
    qpBytes(soft ? text.slice(0, -1) : text, bytes);
    const line = pending?.line ?? l.line;
    if (soft) {
      pending = { bytes, line };
      continue;
    }
    out.push({ text: Buffer.from(bytes).toString('utf8'), line });
    pending = undefined;
  }
  if (pending) out.push({ text: Buffer.from(pending.bytes).toString('utf8'), line: pending.line });
  return out;
}

function qpBytes(text: string, into: number[]): void {
  // An "=" not followed by two hex digits is kept as written (RFC 2045 6.7, robustness note 1).
  for (const piece of text.split(/(=[0-9A-Fa-f]{2})/)) {
    if (/^=[0-9A-Fa-f]{2}$/.test(piece)) into.push(Number.parseInt(piece.slice(1), 16));
    // One byte at a time: spreading a long line's bytes as arguments overflows the call stack.
    else for (const byte of Buffer.from(piece, 'utf8')) into.push(byte);
  }
}
