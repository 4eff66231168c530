import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBounceFile, splitMbox } from '../../server/bounces/dsn.js';
import { toLines } from '../../server/bounces/mime.js';
import { dsn as dsnOf, foldedHeaderDsn } from '../factories/bounces.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bounces/${name}`, import.meta.url), 'utf8');

/** A one-part DSN around a status part, for the cases no MTA's fixture shows. */
const dsn = (status: string, head = 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"') =>
  [
    head,
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    status,
    '--b--',
  ]
    .join('\n')
    .concat('\n');

describe('readBounceFile (RFC 3464 delivery-status notifications)', () => {
  it('reads a Postfix bounce: folded Content-Type, quoted boundary, text/rfc822-headers, folded Diagnostic-Code', () => {
    expect(readBounceFile(fixture('postfix-user-unknown.eml'))).toEqual([
      {
        kind: 'dsn',
        line: 1,
        originalMessageId: '<invite-1.7f3a9c@survey.example.org>',
        recipients: [
          {
            email: 'contact1@office1.example.org',
            action: 'failed',
            status: '5.1.1',
            diagnostic:
              '550 5.1.1 <Contact1@Office1.example.org>: Recipient address rejected: User unknown in virtual mailbox table',
          },
        ],
      },
    ]);
  });

  it('reads an Exim bounce: upper- and lower-case names, unquoted boundary, <address>, status comment, message/rfc822 with a folded Message-ID', () => {
    expect(readBounceFile(fixture('exim-returned-message.eml'))).toEqual([
      {
        kind: 'dsn',
        line: 1,
        originalMessageId: '<invite-2.b41d07@survey.example.org>',
        recipients: [
          {
            email: 'contact2@office2.example.org',
            action: 'failed',
            status: '5.0.0',
            diagnostic: '550 5.1.1 No such user here',
          },
        ],
      },
    ]);
  });

  it('reads a delay notice as Action delayed, Status 4.4.7', () => {
    const [message] = readBounceFile(fixture('delayed.eml'));

    expect(message).toEqual({
      kind: 'dsn',
      line: 1,
      originalMessageId: '<invite-3.0c55e2@survey.example.org>',
      recipients: [
        {
          email: 'contact3@office3.example.org',
          action: 'delayed',
          status: '4.4.7',
          diagnostic:
            'delivery temporarily suspended: connect to mx.office3.example.org[203.0.113.9]:25: Connection timed out',
        },
      ],
    });
  });

  it('reads a CRLF Exchange bounce: a report nested in multipart/mixed, a base64 status part, quoted-printable headers', () => {
    const text = fixture('exchange-crlf.eml');
    expect(text).toContain('\r\n');

    expect(readBounceFile(text)).toEqual([
      {
        kind: 'dsn',
        line: 1,
        originalMessageId: '<invite-8.aa07c3@survey.example.org>',
        recipients: [
          {
            email: 'contact8@office8.example.org',
            action: 'failed',
            status: '5.1.10',
            diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
          },
        ],
      },
    ]);
  });

  it('decodes a quoted-printable status part: soft line breaks and =3D', () => {
    const [message] = readBounceFile(fixture('quoted-printable.eml'));

    expect(message).toEqual({
      kind: 'dsn',
      line: 1,
      originalMessageId: '<invite-7.3d20f1@survey.example.org>',
      recipients: [
        {
          email: 'contact7@office7.example.org',
          action: 'failed',
          status: '5.7.1',
          diagnostic: '550 5.7.1 Message rejected by policy: score=9.5 (limit=5.0), sender not permitted',
        },
      ],
    });
  });

  it('reads an mbox of three messages: a DSN with two recipients, an ordinary mail (skipped), a relay report', () => {
    expect(readBounceFile(fixture('mixed.mbox'))).toEqual([
      {
        kind: 'dsn',
        line: 2,
        originalMessageId: '<invite-4.e9d1aa@survey.example.org>',
        recipients: [
          {
            email: 'contact4@office4.example.org',
            action: 'failed',
            status: '5.2.2',
            diagnostic: '552 5.2.2 Mailbox full',
          },
          {
            email: 'nobody@nowhere.example.org',
            action: 'failed',
            status: '5.1.1',
            diagnostic: '550 5.1.1 User unknown',
          },
        ],
      },
      {
        kind: 'skipped',
        line: 38,
        reason: 'not a delivery-status notification (text/plain, subject "Re: Your office\'s invitation")',
      },
      {
        kind: 'dsn',
        line: 49,
        recipients: [{ email: 'contact6@office6.example.org', action: 'relayed', status: '2.0.0' }],
      },
    ]);
  });

  it('splits an mbox at "From " lines and undoes one level of ">From " escaping, keeping file line numbers', () => {
    const messages = splitMbox(toLines(fixture('mixed.mbox')));

    expect(messages.map((m) => [m.fromLine, m.lines[0]?.line])).toEqual([
      [1, 2],
      [37, 38],
      [48, 49],
    ]);
    expect(messages[1]?.lines.slice(-3)).toEqual([
      { text: 'From now on, please write to our records unit.', line: 45 },
      { text: '>From the office of the District Attorney', line: 46 },
      { text: '', line: 47 },
    ]);
  });

  it('names the line (and column) of every broken message of an mbox, and still reads the good one', () => {
    expect(readBounceFile(fixture('broken.mbox'))).toEqual([
      {
        kind: 'dsn',
        line: 2,
        recipients: [{ email: 'contact1@office1.example.org', action: 'failed', status: '5.1.1' }],
      },
      {
        kind: 'invalid',
        line: 18,
        problems: [{ line: 29, column: 9, message: 'Status "5.1" is not a DSN status code x.y.z' }],
      },
      {
        kind: 'invalid',
        line: 34,
        problems: [{ line: 36, message: 'multipart/report without a message/delivery-status part' }],
      },
      { kind: 'invalid', line: 47, problems: [{ line: 47, message: 'not a mail message: no header block' }] },
    ]);
  });

  it.each([
    ['an empty file', '\n\n', [{ line: 1, message: 'the file is empty' }]],
    [
      'an mbox message with nothing in it',
      'From x  Thu May  6 10:00:00 2027\n\n',
      [{ line: 1, message: 'empty message after the "From " line' }],
    ],
    [
      'a report without a boundary',
      'Content-Type: multipart/report; report-type=delivery-status\n\nbody\n',
      [{ line: 1, message: 'multipart/report without a boundary parameter' }],
    ],
    [
      'a boundary that never appears',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="zz"\n\n--other\n',
      [{ line: 1, message: 'multipart/report: its boundary "zz" never appears in the body' }],
    ],
    [
      'a recipient group without Action',
      dsn('Final-Recipient: rfc822; a@example.org\nStatus: 5.1.1\n'),
      [{ line: 8, message: 'recipient group without Action' }],
    ],
    [
      'an unknown Action',
      dsn('Final-Recipient: rfc822; a@example.org\nAction: bounced\nStatus: 5.1.1\n'),
      [{ line: 9, column: 9, message: 'Action "bounced" is not one of failed, delayed, delivered, relayed, expanded' }],
    ],
    [
      'a Final-Recipient that is no address',
      dsn('Final-Recipient: x-local; postmaster\nAction: failed\nStatus: 5.1.1\n'),
      [{ line: 8, column: 18, message: 'Final-Recipient "x-local; postmaster" is not an email address' }],
    ],
    [
      'a line that is not a field',
      dsn('Final-Recipient: rfc822; a@example.org\nAction failed\nStatus: 5.1.1\n'),
      [
        { line: 9, message: '"Action failed" is not a field (Name: value)' },
        { line: 8, message: 'recipient group without Action' },
      ],
    ],
    [
      'a status part without recipients',
      dsn(''),
      [{ line: 6, message: 'message/delivery-status part without a per-recipient group' }],
    ],
  ])('refuses %s, naming where', (_what, text, problems) => {
    expect(readBounceFile(text)).toEqual([{ kind: 'invalid', line: 1, problems }]);
  });

  it('refuses a header block of more than 1,000 lines at the line past the limit, naming the message, and reads the rest of the mbox', () => {
    const good = dsnOf({ messageId: '<invite-1@survey.example.org>' });
    const mbox = `From a  Thu May  6 10:00:00 2027\n${good}From b  Thu May  6 11:00:00 2027\n${foldedHeaderDsn(60_000)}`;
    const lines = mbox.split('\n');
    const second = lines.indexOf('From b  Thu May  6 11:00:00 2027') + 2;
    const blockStart = lines.indexOf('From: TIP Prosecutor Survey <fieldwork@survey.example.org>', second) + 1;

    const [first, hostile] = readBounceFile(mbox);

    expect(first).toMatchObject({ kind: 'dsn', line: 2, originalMessageId: '<invite-1@survey.example.org>' });
    expect(hostile).toEqual({
      kind: 'invalid',
      line: second,
      problems: [
        {
          line: blockStart + 1000,
          column: 1,
          message:
            `the header block that starts at line ${blockStart} has more than 1,000 lines; ` +
            `no mail system writes such a header, so the message that starts at line ${second} is refused`,
        },
      ],
    });
  });

  it('refuses a header block of more than 102,400 characters at the line and column past the limit', () => {
    const text = dsnOf({ returnedHeaders: [`X-Padding: ${'a'.repeat(110_000)}`] });
    const lines = text.split('\n');
    const blockStart = lines.indexOf('From: TIP Prosecutor Survey <fieldwork@survey.example.org>') + 1;
    const padding = lines.findIndex((l) => l.startsWith('X-Padding:')) + 1;
    const before = lines.slice(blockStart - 1, padding - 1).reduce((n, l) => n + l.length, 0);

    expect(readBounceFile(text)).toEqual([
      {
        kind: 'invalid',
        line: 1,
        problems: [
          {
            line: padding,
            column: 102_400 - before + 1,
            message:
              `the header block that starts at line ${blockStart} has more than 102,400 characters; ` +
              'no mail system writes such a header, so the message that starts at line 1 is refused',
          },
        ],
      },
    ]);
  });

  it('reads a status field with 100,000 blanks inside in linear time, quoting only the start of the value', () => {
    const text = dsnOf().replace('Action: failed', `Action: failed${' '.repeat(100_000)}x`);
    const started = performance.now();

    const [message] = readBounceFile(text);

    expect(performance.now() - started).toBeLessThan(1_000);
    expect(message).toEqual({
      kind: 'invalid',
      line: 1,
      problems: [
        {
          line: 18,
          column: 9,
          message: `Action "failed${' '.repeat(74)}…" is not one of failed, delayed, delivered, relayed, expanded`,
        },
      ],
    });
  });

  it('unfolds a header folded over 1,000 lines, the most a block may hold, into one value', () => {
    const text = foldedHeaderDsn(995, { messageId: '<invite-1@survey.example.org>' });

    expect(readBounceFile(text)).toEqual([
      expect.objectContaining({ kind: 'dsn', originalMessageId: '<invite-1@survey.example.org>' }),
    ]);
  });

  it('reports a base64 status part that is not base64 at the part, and a bad status inside it without a column', () => {
    const status = (body: string) =>
      [
        'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
        '',
        '--b',
        'Content-Type: message/delivery-status',
        'Content-Transfer-Encoding: base64',
        '',
        body,
        '--b--',
      ].join('\n');
    const encoded = Buffer.from(
      'Reporting-MTA: dns; x\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5\n',
    );

    expect(readBounceFile(status('not*base64'))).toEqual([
      {
        kind: 'invalid',
        line: 1,
        problems: [{ line: 7, message: 'base64 body contains "*", which base64 does not use' }],
      },
    ]);
    expect(readBounceFile(status(encoded.toString('base64')))).toEqual([
      {
        kind: 'invalid',
        line: 1,
        problems: [
          { line: 7, message: 'in the base64-encoded status part: Status "5" is not a DSN status code x.y.z' },
        ],
      },
    ]);
  });

  it('skips another kind of report; quoted boundaries with escaped quotes, parentheses and semicolons still split the parts', () => {
    const receipt = 'Content-Type: multipart/report; report-type=disposition-notification; boundary=r\n\n--r\n--r--\n';
    const quoted = dsn(
      'Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.1.1\n',
      'content-type: Multipart/Report; boundary="b"; REPORT-TYPE=delivery-status',
    );

    expect(readBounceFile(receipt)).toEqual([
      {
        kind: 'skipped',
        line: 1,
        reason: 'a multipart/report of type disposition-notification, not a delivery-status notification',
      },
    ]);
    expect(readBounceFile(quoted)).toEqual([
      { kind: 'dsn', line: 1, recipients: [{ email: 'a@example.org', action: 'failed', status: '5.1.1' }] },
    ]);
    const escaped = quoted.replace('boundary="b"', 'boundary="a\\"b"').replaceAll('--b', '--a"b');
    expect(readBounceFile(escaped)).toEqual(readBounceFile(quoted));
    // Parentheses are comments outside quotes (RFC 5322) but part of a quoted boundary (RFC 2046 bchars).
    const parenthesized = quoted
      .replace('Multipart/Report;', 'Multipart/Report (sent by mx.example.org);')
      .replace('boundary="b"', 'boundary="=_(b);1"')
      .replaceAll('--b', '--=_(b);1');
    expect(readBounceFile(parenthesized)).toEqual(readBounceFile(quoted));
  });
});
