import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../server/platform/csv.js';

describe('parseCsv', () => {
  it('reads records with the line each one starts on', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual({
      records: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', '2', '3'] },
      ],
      problems: [],
    });
  });

  it('accepts CRLF, LF and lone CR line endings, even mixed in one file', () => {
    const { records, problems } = parseCsv('a,b\r\n1,2\n3,4\r5,6');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', '4'] },
      { line: 4, fields: ['5', '6'] },
    ]);
  });

  it('strips a leading UTF-8 byte order mark so it does not stick to the first header', () => {
    expect(parseCsv('\uFEFFoffice_id,state\r\n').records).toEqual([{ line: 1, fields: ['office_id', 'state'] }]);
  });

  it('keeps a byte order mark that is not at the start of the text', () => {
    expect(parseCsv('a\n\uFEFFb\n').records[1]?.fields).toEqual(['\uFEFFb']);
  });

  it('ignores the empty line after the final line break', () => {
    expect(parseCsv('a\r\nb\r\n').records).toHaveLength(2);
    expect(parseCsv('a\r\nb').records).toHaveLength(2);
  });

  it('keeps fully blank lines out of the records but still counts them', () => {
    expect(parseCsv('\n\na,b\r\n\r\n\n1,2\n\n').records).toEqual([
      { line: 3, fields: ['a', 'b'] },
      { line: 6, fields: ['1', '2'] },
    ]);
  });

  it('keeps a line of spaces or of commas as a record, since it is not blank', () => {
    expect(parseCsv('  \n,,\n').records).toEqual([
      { line: 1, fields: ['  '] },
      { line: 2, fields: ['', '', ''] },
    ]);
  });

  it('returns nothing for empty text', () => {
    expect(parseCsv('')).toEqual({ records: [], problems: [] });
    expect(parseCsv('\uFEFF')).toEqual({ records: [], problems: [] });
  });

  it('reads empty fields, including a trailing one after a final comma', () => {
    expect(parseCsv('a,,c,\n').records[0]?.fields).toEqual(['a', '', 'c', '']);
  });

  it('keeps spaces around unquoted values, leaving trimming to the caller', () => {
    expect(parseCsv(' a , b \n').records[0]?.fields).toEqual([' a ', ' b ']);
  });

  it('reads quoted fields holding commas, doubled quotes and nothing at all', () => {
    const { records, problems } = parseCsv('"Smith, Jane","say ""hi""","",x\n');
    expect(problems).toEqual([]);
    expect(records[0]?.fields).toEqual(['Smith, Jane', 'say "hi"', '', 'x']);
  });

  it('keeps line breaks inside quoted fields and numbers the following records by file line', () => {
    const text = 'id,address\r\n1,"100 Main St\r\nSuite 4\nBack door"\r\n2,plain\r\n3,"x\ry"\n4,z\n';
    const { records, problems } = parseCsv(text);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['id', 'address'] },
      { line: 2, fields: ['1', '100 Main St\r\nSuite 4\nBack door'] },
      { line: 5, fields: ['2', 'plain'] },
      { line: 6, fields: ['3', 'x\ry'] },
      { line: 8, fields: ['4', 'z'] },
    ]);
  });

  it('reports a quote inside an unquoted field at its line and column, keeping the text', () => {
    const { records, problems } = parseCsv('a,b\r\n1,Office "North"\r\n');
    expect(records[1]?.fields).toEqual(['1', 'Office "North"']);
    expect(problems).toEqual([{ line: 2, column: 10, message: expect.stringMatching(/quote/) }]);
  });

  it('reports text after a closing quote where that text starts', () => {
    const { records, problems } = parseCsv('a,b\n1,"North" Office,3\n');
    expect(records[1]?.fields).toEqual(['1', 'North Office', '3']);
    expect(problems).toEqual([{ line: 2, column: 10, message: expect.stringMatching(/after the closing quote/) }]);
  });

  it('reports an unterminated quoted field at the line and column where it opened', () => {
    const { records, problems } = parseCsv('a,b\n1,2\n3,"never\nclosed\n4,5\n');
    expect(problems).toEqual([{ line: 3, column: 3, message: expect.stringMatching(/closing quote/) }]);
    expect(records).toHaveLength(3);
    expect(records[2]).toEqual({ line: 3, fields: ['3', 'never\nclosed\n4,5\n'] });
  });

  it('reports problems after a multi-line quoted field on the line they are on', () => {
    const { problems } = parseCsv('a,b\n"one\ntwo\nthree",x\nok,x"y\n');
    expect(problems).toEqual([{ line: 5, column: 5, message: expect.any(String) }]);
  });

  it('reports every problem in the text, in order', () => {
    const { problems } = parseCsv('a"b,c\n"d"e,f\ng,"h\n');
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [1, 2],
      [2, 4],
      [3, 3],
    ]);
  });
});

describe('toCsv', () => {
  it('writes one CRLF-terminated line per row and quotes only fields that need it', () => {
    expect(
      toCsv([
        ['id', 'name'],
        ['1', 'Smith, Jane'],
        ['2', 'say "hi"'],
        ['3', 'two\nlines'],
        ['4', 'cr\ronly'],
      ]),
    ).toBe('id,name\r\n1,"Smith, Jane"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n4,"cr\ronly"\r\n');
  });

  it('writes numbers as they are and null or undefined as empty fields', () => {
    expect(toCsv([[1, 2.5, -3, null, undefined, '']])).toBe('1,2.5,-3,,,\r\n');
  });

  it('writes a row holding one empty field as "" so that it is not read back as a blank line', () => {
    expect(toCsv([['a'], [''], [null], ['b']])).toBe('a\r\n""\r\n""\r\nb\r\n');
    expect(parseCsv(toCsv([['a'], [''], ['b']])).records.map((r) => r.fields)).toEqual([['a'], [''], ['b']]);
  });

  it('writes nothing for no rows', () => {
    expect(toCsv([])).toBe('');
  });

  it('leaves formula-like text alone unless asked to neutralize it', () => {
    expect(toCsv([['=SUM(A1:A2)', '+1', '-1', '@cmd']])).toBe('=SUM(A1:A2),+1,-1,@cmd\r\n');
  });

  it('prefixes an apostrophe to text cells a spreadsheet would run as a formula', () => {
    const csv = toCsv([['=HYPERLINK("http://x")', '+1', '-1', '@cmd', '\tx', '\rx', 'a=b', '']], {
      neutralizeFormulas: true,
    });
    expect(csv).toBe(`"'=HYPERLINK(""http://x"")",'+1,'-1,'@cmd,'\tx,"'\rx",a=b,\r\n`);
  });

  it('does not touch numbers when neutralizing formulas, so negative values stay numeric', () => {
    expect(toCsv([[-3, '-3']], { neutralizeFormulas: true })).toBe("-3,'-3\r\n");
  });

  it('round-trips awkward values through parseCsv', () => {
    const rows = [
      ['id', 'note', 'empty', 'unicode'],
      ['1', ' padded ', '', 'Doña Ana County'],
      ['2', '"quoted", with comma\r\nand a new line', '', '北京'],
    ];
    expect(parseCsv(toCsv(rows))).toEqual({
      records: [
        { line: 1, fields: rows[0] },
        { line: 2, fields: rows[1] },
        { line: 3, fields: rows[2] },
      ],
      problems: [],
    });
  });
});
