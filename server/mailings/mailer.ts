import nodemailer from 'nodemailer';

/** One message as the mailer sends it; the Message-ID is ours, recorded before the SMTP transaction. */
export type OutgoingMail = {
  from: string;
  /** The contact's name goes with the address, as the preview shows it; nodemailer quotes and encodes it. */
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Readonly<Record<string, string>>;
};

/**
 * What the SMTP server said. `permanent` is a 5xx (the address or message is refused for good);
 * `temporary` a 4xx or a dropped connection (worth another try later).
 */
export type MailOutcome =
  | { outcome: 'accepted'; code: number | null; reply: string }
  | { outcome: 'permanent' | 'temporary'; code: number | null; reply: string };

export type Mailer = {
  send(mail: OutgoingMail): Promise<MailOutcome>;
  /** Closes the pooled connections. */
  close(): void;
};

type SmtpError = Error & { responseCode?: number; response?: string; code?: string };

/**
 * A pooled SMTP mailer over nodemailer (`SMTP_URL`, e.g. smtp://user:pass@mail.example.org:587).
 * The pool keeps a few connections open; the pace (messages per minute) is the caller's, per fielding.
 */
export function createSmtpMailer(smtpUrl: string, options: { maxConnections?: number } = {}): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 3,
    maxMessages: 500,
    // A server that never answers must not hold a send in 'sending' for long.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          headers: mail.headers,
        });
        const reply = String(info.response ?? '');
        const code = Number(/^\d{3}/.exec(reply)?.[0]) || null;
        if (info.rejected.length > 0) return { outcome: 'permanent', code, reply };
        return { outcome: 'accepted', code, reply };
      } catch (err) {
        const e = err as SmtpError;
        const code = typeof e.responseCode === 'number' ? e.responseCode : null;
        const reply = e.response ?? `${e.code ?? 'ERROR'} ${e.message}`;
        return { outcome: code !== null && code >= 500 ? 'permanent' : 'temporary', code, reply };
      }
    },
    close: () => transport.close(),
  };
}
