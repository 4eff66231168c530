/**
 * RFC 4180 CSV, read and written by hand so that every problem can be reported with the line and
 * column a person sees in a text editor (quoted fields may span lines, so line numbers are tracked
 * while reading rather than computed by splitting).
 */

export type CsvRecord = { line: number; fields: string[] };
export type CsvProblem = { line: number; column: number; message: string };
export type CsvCell = string | number | null | undefined;

const BOM = '\uFEFF';

export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const input = text.startsWith(BOM) ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const end = input.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const column = (index: number) => index - lineStart + 1;
  const isLineBreak = (index: number) => input[index] === '\n' || input[index] === '\r';
  // Old Mac exports end lines with a lone CR, so CR, LF and CRLF each count as one break.
  const skipLineBreak = () => {
    i += input[i] === '\r' && input[i + 1] === '\n' ? 2 : 1;
    line += 1;
    lineStart = i;
  };

  const readQuotedField = (): string => {
    const openLine = line;
    const openColumn = column(i);
    i += 1;
    let value = '';
    let chunkStart = i;
    while (i < end) {
      const ch = input[i];
      if (ch === '"') {
        value += input.slice(chunkStart, i);
        if (input[i + 1] === '"') {
          value += '"';
          i += 2;
          chunkStart = i;
          continue;
        }
        i += 1;
        return value + readTextAfterClosingQuote();
      }
      if (ch === '\n' || ch === '\r') skipLineBreak();
      else i += 1;
    }
    problems.push({
      line: openLine,
      column: openColumn,
      message: 'a quoted field starts here but its closing quote is missing',
    });
    return value + input.slice(chunkStart, end);
  };

  // Lenient recovery: `"abc"def` keeps `abcdef`, but the problem is reported.
  const readTextAfterClosingQuote = (): string => {
    if (i >= end || input[i] === ',' || isLineBreak(i)) return '';
    problems.push({
      line,
      column: column(i),
      message: 'unexpected text after the closing quote of a quoted field',
    });
    return readUnquotedRest();
  };

  const readUnquotedRest = (): string => {
    const start = i;
    let reportedQuote = false;
    while (i < end && input[i] !== ',' && !isLineBreak(i)) {
      if (input[i] === '"' && !reportedQuote) {
        reportedQuote = true;
        problems.push({
          line,
          column: column(i),
          message: 'a quote inside an unquoted field (quote the whole field and double the quote)',
        });
      }
      i += 1;
    }
    return input.slice(start, i);
  };

  while (i < end) {
    if (isLineBreak(i)) {
      skipLineBreak();
      continue;
    }
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      fields.push(input[i] === '"' ? readQuotedField() : readUnquotedRest());
      if (input[i] !== ',') break;
      i += 1;
    }
    records.push({ line: recordLine, fields });
    if (i < end) skipLineBreak();
  }

  return { records, problems };
}

// Spreadsheets run a cell starting with one of these as a formula (CSV injection, see OWASP); the
// full-width forms too, since Apple Numbers normalizes them (the set of csv-stringify's escape_formulas).
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/**
 * Text a spreadsheet would run as a formula, made inert with a leading quote: the one rule for every
 * text cell the project writes to CSV or XLSX. Numbers are not text and never pass through here.
 */
export function neutralizeFormula(text: string): string {
  return FORMULA_TRIGGERS.has(text.charAt(0)) ? `'${text}` : text;
}
const NEEDS_QUOTES = /[",\r\n]/;

export function toCsv(rows: readonly (readonly CsvCell[])[], options: { neutralizeFormulas?: boolean } = {}): string {
  const neutralize = options.neutralizeFormulas === true;
  const cellText = (cell: CsvCell): string => {
    if (cell === null || cell === undefined) return '';
    if (typeof cell === 'number') return String(cell);
    const text = neutralize ? neutralizeFormula(cell) : cell;
    return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return rows
    .map((row) => {
      // A lone empty field would be written as a blank line, which readers skip.
      if (row.length === 1 && cellText(row[0]) === '') return '""\r\n';
      return `${row.map(cellText).join(',')}\r\n`;
    })
    .join('');
}
