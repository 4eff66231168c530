import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { mailingContextOf } from './deps.js';
import { InstrumentError } from './instruments/registry.js';
import { InstrumentVersionError } from './instruments/versions.js';
import { durationText, estimateWave, utcMinute } from './mailings/estimate.js';
import type { MailingRunner } from './mailings/runner.js';
import { ConfigError } from './platform/config.js';
import { MigrationError } from './platform/db.js';
import { type ReminderScheduler, startReminderScheduler } from './reminders/scheduler.js';
import { createRepos, type Repos } from './repos.js';
import { createRuntime } from './runtime.js';

/** One sentence for why the server could not listen, with what to change. */
function listenProblem(err: NodeJS.ErrnoException, host: string, port: number): string {
  const address = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `${address} is already in use (stop the other program or set PORT to another port).`;
    case 'EACCES':
      return `no permission to listen on ${address} (ports below 1024 need privileges; set PORT to 1024 or above).`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine (set HOST, or leave it unset to listen on all addresses).`;
    default:
      return `cannot listen on ${address} (${err.code ?? err.message}).`;
  }
}

/**
 * What a server says about staff accounts: how to make the first admin, since no one can sign in
 * yet, and where people sign in (the console; the JSON login route is for scripts).
 */
function staffLines(accounts: number, publicUrl: string): string[] {
  const consoleUrl = `${publicUrl}/staff/`;
  if (accounts > 0)
    return [
      `${accounts} staff account(s). Staff sign in at ${consoleUrl}. Add more with: npx fieldkit staff add <email> --role <role>`,
    ];
  return [
    'No staff accounts yet. Create the first admin (run it in this folder, with the same DATA_DIR):',
    '  npx fieldkit staff add you@your-institution.org --role admin',
    `It prints a one-time link to set the password; then sign in to the staff console at ${consoleUrl}`,
  ];
}

/** Whether invitations can go out by email, and how to turn it on when they cannot. */
function emailLines(smtpUrl: string | undefined, mailFrom: string): string[] {
  if (smtpUrl)
    return [`Email is on: invitations and reminders go out from ${mailFrom} (npx fieldkit invite --fielding <name>).`];
  return [
    'Email is off (SMTP_URL is not set): invitations cannot be sent by email; use the links file or letters.',
    '  To turn it on, restart with SMTP_URL=smtp://user:password@mail.example.org:587 and MAIL_FROM="Survey team" <survey@example.org>',
  ];
}

/**
 * The invitations a stopped server (or `fieldkit invite`) left queued, per fielding: how many, and
 * when they will be out at the fielding's pace now that sending resumes (or that email is off).
 */
function waitingLines(repos: Repos, now: Date, emailOn: boolean): string[] {
  return repos.mailings.fieldingsWithQueued(['invitation']).map((f) => {
    const wave = estimateWave(repos, f.id, ['invitation'], now);
    if (!emailOn)
      return `${f.name}: ${wave.queued} invitation(s) waiting; email is off, so they wait until the server runs with SMTP_URL.`;
    const outBy = wave.outBy ?? now.toISOString();
    return `${f.name}: ${wave.queued} invitation(s) waiting; sending resumes now at ${wave.perMinute} a minute, out by about ${utcMinute(outBy)} (${durationText(new Date(outBy).getTime() - now.getTime())}).`;
  });
}

/**
 * Longest a stop may take: the mail in flight gets STOP_GRACE_MS (dispatch.ts) to be answered, the
 * open requests as long; whatever still holds on after this is cut, so a supervisor's SIGTERM
 * (systemd, Docker: 10 s before SIGKILL) always ends the process itself.
 */
const SHUTDOWN_DEADLINE_MS = 8_000;

function start() {
  let deps: ReturnType<typeof createRuntime>;
  try {
    deps = createRuntime();
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof InstrumentError ||
      err instanceof InstrumentVersionError ||
      err instanceof MigrationError
    ) {
      process.stderr.write(`fieldkit: cannot start.\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, db, instruments } = deps;
  const app = createApp(deps);
  const server = createServer(app);
  // Without this, a port in use surfaces as a TypeError from server.address() in the callback.
  const onListenError = (err: NodeJS.ErrnoException) => {
    process.stderr.write(`fieldkit: cannot start: ${listenProblem(err, config.host, config.port)}\n`);
    void deps.validation.close().finally(() => {
      db.close();
      process.exit(1);
    });
  };
  server.once('error', onListenError);
  let scheduler: ReminderScheduler | undefined;
  server.listen(config.port, config.host, () => {
    server.off('error', onListenError);
    const { port } = server.address() as AddressInfo;
    const repos = createRepos(db);
    const fieldings = repos.fieldings.countFieldings();
    const lines = [
      `Fieldkit is running: ${config.publicUrl} (listening on ${config.host}:${port})`,
      `Data: ${config.databaseFile}`,
      `Instruments: ${instruments
        .all()
        .map((i) => i.key)
        .join(', ')}`,
      '',
      fieldings === 0
        ? 'No fieldings yet. To field a survey to a sampling frame of offices:'
        : `${fieldings} fielding(s) in the database. To add one:`,
      '  npx fieldkit fielding create --name pilot --instrument tip-prosecutor-survey \\',
      '      --frame offices.csv --links-out pilot-links.csv',
      '  (the frame format is in README.md; check a frame first with: npx fieldkit frame check offices.csv)',
      'Each office contact then opens their link from pilot-links.csv, or types the access code at',
      `  ${config.publicUrl}/code`,
      '',
      ...staffLines(repos.staff.countStaff(), config.publicUrl),
      '',
      ...emailLines(config.smtpUrl, config.mailFrom),
      ...(deps.mailer
        ? [
            "Reminders and thank-yous go out by themselves where a fielding's mail settings turn them on (checked every minute).",
          ]
        : []),
    ];
    const rehearsal = repos.rehearsal.findRehearsalCopy();
    if (rehearsal) {
      lines.push(
        '',
        `${config.clockStartsAt === undefined ? 'Rehearsal:' : `FIELDKIT_NOW is set: acting as if it were ${config.clockStartsAt}.`} This database is a rehearsal copy of ${rehearsal.copied_from}, made ${rehearsal.copied_at}; the live study is not touched, and mail goes only to a server on this machine (SMTP_URL on loopback).`,
      );
    }
    const waiting = waitingLines(repos, deps.clock(), deps.mailer !== undefined);
    if (waiting.length > 0)
      lines.push('', 'Invitations still queued from an earlier run:', ...waiting.map((l) => `  ${l}`));
    process.stdout.write(`${lines.join('\n')}\n`);
    // Not inside createApp: the app stays a function without timers. Off when email is off.
    if (deps.mailer) {
      (app.locals.mailings as MailingRunner).resume();
      scheduler = startReminderScheduler({ mailing: mailingContextOf(deps, deps.mailer) });
    }
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    // Whatever holds on (a hung mail server, a validation thread, a stuck request), the process ends.
    setTimeout(() => {
      process.stderr.write('fieldkit: stopping took too long; exiting without waiting further.\n');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // No new message is claimed, by the background mailings or the reminder scheduler; those in
    // flight are answered and recorded, or marked interrupted after the grace, before the mailer
    // and the database close.
    const mailingsStopped = Promise.all([(app.locals.mailings as MailingRunner).stop(), scheduler?.stop()]);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    void mailingsStopped
      .then(() => {
        // Requests still open have had the mail's grace too.
        server.closeAllConnections();
        return serverClosed;
      })
      .then(() => {
        deps.mailer?.close();
        // Validation threads may still hold a completion; they finish before the database goes.
        return deps.validation.close();
      })
      .finally(() => {
        db.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

start();
