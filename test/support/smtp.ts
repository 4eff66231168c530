import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it: the envelope and the raw bytes. */
export type ReceivedMail = { envelopeTo: string[]; raw: string };

/** An SMTP reply the test server gives instead of accepting a recipient. */
export type RcptReply = { code: number; message: string };

export type TestSmtpServer = {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Recipients offered so far (RCPT TO), accepted or not, in order. */
  offered: string[];
  close(): Promise<void>;
};

/**
 * A real SMTP server on loopback (smtp-server), as the mailer meets it in production minus TLS:
 * STARTTLS is disabled and authentication optional. `rcpt` may refuse an address (550, 451 ...)
 * given how many times it was offered before; `dataDelayMs` makes each message slow to accept.
 */
export async function startSmtpServer(
  options: {
    rcpt?: (address: string, timesBefore: number) => RcptReply | undefined;
    dataDelayMs?: number;
    /** Called when the n-th message's data has arrived, before it is accepted (1-based). */
    onData?: (n: number) => void;
  } = {},
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const offered: string[] = [];
  let dataCount = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const before = offered.filter((a) => a === address.address).length;
      offered.push(address.address);
      const reply = options.rcpt?.(address.address, before);
      if (reply) {
        const err = new Error(reply.message) as Error & { responseCode: number };
        err.responseCode = reply.code;
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        options.onData?.(++dataCount);
        const accept = () => {
          received.push({
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        };
        if (options.dataDelayMs) setTimeout(accept, options.dataDelayMs);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    offered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A parsed message: decoded headers (lower-case names) and its text/plain and text/html parts. */
export type ParsedMail = {
  headers: Record<string, string>;
  text: string | undefined;
  html: string | undefined;
  /** Every leaf part's content type, in order. */
  parts: string[];
};

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i] as string, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  // Folded lines (starting with white space) continue the header above them.
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

/** Reads a MIME message: headers, multipart boundaries (nested), quoted-printable and base64. */
export function parseMail(raw: string): ParsedMail {
  const top = splitHead(raw);
  const parsed: ParsedMail = { headers: top.headers, text: undefined, html: undefined, parts: [] };
  const walk = (headers: Record<string, string>, body: string) => {
    const type = headers['content-type'] ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      const sections = body.split(`--${boundary}`).slice(1);
      for (const section of sections) {
        if (section.startsWith('--')) break;
        const part = splitHead(section.replace(/^\r?\n/, ''));
        walk(part.headers, part.body.replace(/\r?\n$/, ''));
      }
      return;
    }
    const mediaType = type.split(';')[0]?.trim().toLowerCase() ?? '';
    parsed.parts.push(mediaType);
    const content = decodeBody(body, headers['content-transfer-encoding']);
    if (mediaType === 'text/plain' && parsed.text === undefined) parsed.text = content;
    if (mediaType === 'text/html' && parsed.html === undefined) parsed.html = content;
  };
  walk(top.headers, top.body);
  return parsed;
}
