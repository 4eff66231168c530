import { accessCommands } from './cli/access.js';
import { bounceCommands } from './cli/bounces.js';
import { caseCommands } from './cli/cases.js';
import { contactCommands } from './cli/contacts.js';
import { exportCommands } from './cli/exports.js';
import { fieldingCommands } from './cli/fieldings.js';
import { instrumentCommands } from './cli/instruments.js';
import { interruptedCommands } from './cli/interrupted.js';
import { type CliIo, type Command, MissingDatabaseError, openRuntime, UsageError } from './cli/io.js';
import { letterCommands } from './cli/letters.js';
import { mailingCommands } from './cli/mailings.js';
import { mailSettingsCommands } from './cli/mailSettings.js';
import { paperCommands } from './cli/paper.js';
import { rehearsalCommands } from './cli/rehearsal.js';
import { reminderCommands } from './cli/reminders.js';
import { siteCommands } from './cli/sites.js';
import { staffCommands } from './cli/staff.js';
import { statusCommands } from './cli/status.js';
import { tokenCommands } from './cli/tokens.js';
import { InstrumentError } from './instruments/registry.js';
import { InstrumentVersionError } from './instruments/versions.js';
import { ConfigError } from './platform/config.js';
import { MigrationError } from './platform/db.js';
import { AppError } from './platform/errors.js';

export type { CliIo } from './cli/io.js';

export const USAGE = `Usage: fieldkit <command> [options]

Fieldings
  fielding create --name <name> --instrument <id[@version]> --frame <offices.csv> --links-out <links.csv>
                  [--closes <YYYY-MM-DD>]
      Imports the frame (all or nothing), creates one case per office and one link per contact
      (an office with several contacts repeats its row, office columns unchanged, once per contact),
      and writes the clear links and access codes to the links file, once. The database keeps
      only their hashes: keep the links file safe, and delete it when the invitations are out.
  fielding list
  fielding version --name <name> --version <v>
      Moves a fielding to another loaded version of its instrument: responses started from now on
      use it; responses already started stay on their version. Exports hold the union of the
      versions' variables (a variable a case's version lacks is -8, "not in this version").
  fielding thresholds --name <name> [--complete <percent>] [--partial <percent>]
      Prints, or sets, the disposition thresholds: a submitted case answering at least --complete
      percent of the questions shown is complete (1.1), one answering at least --partial percent a
      partial (1.2); 0 < partial < complete <= 100, by default 80 and 50. Set them before
      fieldwork; every disposition follows them. Recorded in the audit log.
  frame check <offices.csv>          Validates a frame without importing it.

Contacts
  contacts import --fielding <name> <contacts.csv>
      Adds contacts that come after the frame to offices of the fielding: office_id, contact_name,
      contact_email (and contact_title if wanted), one row per contact. All or nothing: an office
      not in the fielding, a bad email or one the office already has imports nothing and every
      problem is listed by line and column. Invitations then reach the new contacts too. Recorded
      in the audit log.

Exports
  export --fielding <name> --out <folder|file.zip> [--formats csv,labels,xlsx,sav,dta,r,codebook] [--completes-only]
         [--public [--include-free-text] [--k-anonymity <k>]]
      Writes the cleaned dataset of a fielding into a new folder: data.csv (codes),
      data_labels.csv (labels), data.xlsx (codes, labels, codebook, frequencies and summaries
      sheets), data.sav (SPSS), data.dta (Stata 118), data.R (reads the CSV files with labels),
      design.R / design.do / design.sps (the survey design, ready to run), codebook.json/.html
      (with frequencies) and manifest.json (counts, SHA-256 of every file). Panels go to
      data_<table>.* files keyed by case_id, which stays the same across exports of the fielding.
      Completes and partials by default. Recorded in the audit log.

Cases
  case mark --fielding <name> --office <office_id> --ineligible|--refused --reason <text>
      Records what only staff know: an office that is not eligible (closed, merged, duplicate,
      out of scope), or a refusal received by phone or letter. Prints the disposition after it.
  case invited --fielding <name> --office <office_id>|--all-issued --on <YYYY-MM-DD>
      Records that links were handed out another way (by hand, by phone, at a meeting) on that day:
      one office, or every case whose links were issued and that no email, letter or earlier record
      has invited (the links file handed out as a whole). Issuing links invites nobody: a case is
      3.11 until an invitation is sent, a letter printed for it, or this is recorded; then 3.19.

Email (needs SMTP_URL; MAIL_FROM sets the sender)
  mail settings --fielding <name> [--per-minute <n>] [--reminders on|off] [--reminder-days <7,14,21>]
                [--thank-you on|off] [--thank-you-to submitter|all] [--deadline <text>]
                [--eligibility <0..1>|none]
      Prints the fielding's mail settings and the sender, as the console's Email page shows them;
      with flags, changes those settings first, by the page's rules (nothing changes if one is
      wrong, and each problem names its flag), recorded in the audit log. A thank-you goes to the
      contact who submitted (submitter, the default) or to every active contact of the office (all).
  invite --fielding <name> [--dry-run]
      Plans one invitation per active contact of every case not yet invited (never twice) and
      sends them, paced to the fielding's per-minute setting, then prints what was sent, rejected
      (those contacts are marked undeliverable), failed, cancelled or interrupted. Safe to run
      again: it sends only what is still due, and resumes a wave a stop left queued (a message that
      was in an SMTP transaction is reported as interrupted and never resent by itself). Without a
      terminal it prints a progress line at the start, at least every minute and at the end.
      --dry-run changes nothing: it prints how many would be sent, why the others are skipped, how
      long the wave takes at the fielding's pace, and the first message.
  remind --fielding <name> [--dry-run]
      Queues and sends the reminders and thank-yous due now, as the server's scheduler does every
      minute; both may run at once (e.g. from cron) and nobody gets a message twice. Reminders fall
      due on the days after a case's invitation set in the fielding's mail settings (e.g. 7, 14,
      21); never to completed, refused, opted-out, ineligible or undeliverable cases. When several
      are due at once only the highest is sent; the lower ones are recorded as skipped. Prints the
      counts per reminder number. --dry-run prints what is due and changes nothing.
      FIELDKIT_NOW=2027-03-01T09:00:00Z acts as if it were that instant, on a rehearsal copy only
      (see rehearsal copy).
  mail interrupted --fielding <name> [--resend all|<id>,<id>... --checked-mailbox]
      Lists the messages a stop left interrupted (the mail server may have accepted them; they are
      never resent by themselves): id, office, address, kind, when. Once you have checked the sent
      mailbox (or with the offices) that they did not arrive, --resend with --checked-mailbox sends
      all or the chosen ones again, each once, as a fresh message; recorded in the audit log.

Rehearsals
  rehearsal copy --to <folder>
      Copies the database (safely, while the server runs) to <folder>/fieldkit.db and marks it as a
      rehearsal copy: the only kind of database FIELDKIT_NOW may act on; on the live one every
      command and the server refuse to start with it. Run the rehearsal with DATA_DIR=<folder>.
      On a copy, SMTP_URL must be unset or on this machine (localhost, 127.0.0.0/8, ::1): the copy
      holds the real contacts' addresses, so with another mail server nothing starts.

Bounces
  bounces read <file.eml|mbox>... [--dry-run]
      Reads delivery-status notifications (RFC 3464 bounces, saved from the study's mailbox as .eml
      files or an mbox). A permanent failure (Action failed, Status 5.x.x) marks the contact
      undeliverable: the contact of the returned Message-ID's send, else every contact with the
      address; a case whose contacts are all undeliverable becomes 3.30. Delays and 4.x.x are only
      reported. All or nothing: if a message cannot be read, its problems are printed and nothing
      changes. Reading a file again changes nothing. --dry-run reports without changing anything.

Fieldwork
  status --fielding <name> [--json]
      Counts by final disposition and stratum, the AAPOR rates (RR1-RR6, COOP1-COOP4, REF1-REF3,
      CON1-CON3) overall and by stratum as percentages, and e with how it was estimated. --json
      prints the dashboard's JSON (GET /api/staff/fieldings/<name>/status), completes by day included.

Letters
  letters --fielding <name> --out <letters.pdf> [--order zip|office|state]
      Postal letters for the offices that have not finished: one page per office, addressed to its
      first active contact, with a new access code and the address where it is typed (PUBLIC_URL/code).
      Each prints "Control no. <office_id>" above the address. Pages go by ZIP (offices without one
      last), office ID or state (--order, default zip); ties by office ID.
      Completed, refused and ineligible offices are skipped, and so are offices with no active contact;
      the counts are printed. The codes are recorded in each case's log and the batch in the audit log.

Links and access codes
  token revoke --link <url-or-token> | --code <access-code> | --fielding <name> --office <office_id> --email <email>
  token reissue --fielding <name> --office <office_id> --email <email> --links-out <file.csv>
      A reissued link continues the same response; the old link stops working.

Access
  access stats [--days <n>]          Failed link and code look-ups per day (all clients together) and
                                     the client addresses whose failures are being slowed now.

Staff accounts
  staff add <email> --role admin|fieldwork|analyst|interviewer [--name "<full name>"]
      Adds an account and prints its one-time set-password link (valid 72 hours). Start here for the
      first admin. Records take the interviewer's initials from the full name.
  staff name <email> "<full name>"   Sets (or, with "", clears) an account's full name.
  staff list
  staff disable <email>              Ends the account's sessions, API tokens and set-password links.
  staff reset-password <email>       The old password stops working; prints a new set-password link.

Phase II case-study sites
  site add "<name>" --jurisdiction "<text>" [--notes "<text>"] [--instrument <id>]...
      Adds a site (names are unique in any case) with the interviewer-mode instruments it uses.
  site list                          Every site: jurisdiction, interviewers, instruments, records by status.
  site assign "<site>" [--interviewer <email>]... [--instrument <id>]...
      Adds interviewer accounts (role interviewer) and instruments to a site; they see and enter
      only the records of their sites. Recorded in the audit log.

Instruments
  instruments import <survey.json> --id <id> [--out <file>] [--previous <instrument.json>]
                     [--version <v>] [--title <text>] [--mode self|interviewer]
      Wraps a plain SurveyJS JSON (as SurveyJS Creator saves it) into an instrument file with a
      variable map: a variable name per question and a numeric code per choice value. With
      --previous, the names and codes of that version are kept. Prints the file without --out.
  instruments list
  instruments check [files...]       Checks instrument files (default: every file in the instruments
                                     folder) and, where a database exists, that versions with responses
                                     are unchanged. Exit code 1 on any problem.
  instruments print <id[@version]|instrument.json> --out <file.pdf|file.html>
      A blank paper copy of the instrument: numbered questions, boxes for choices, lines for text,
      grids for matrices, and before each conditional question its skip instruction in words (the
      codebook's condition). PDF is printed by Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
  codebook <id[@version]> [--format md|json|html] [--out <file>]
                                     Every variable an export will have: label, type, codes, missing
                                     codes and the condition that shows it.

Configuration comes from the environment (DATA_DIR, PUBLIC_URL, ...): see README.md.
The database is DATA_DIR/fieldkit.db, DATA_DIR taken from the current folder (default ./data) as the
server does; only \`fielding create\` creates it, every other command needs it to exist.`;

const defaultIo: CliIo = {
  env: process.env,
  cwd: process.cwd(),
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  ...(process.stderr.isTTY ? { progress: (t: string) => process.stderr.write(t) } : {}),
};

const commands: Record<string, Command> = {
  ...fieldingCommands,
  ...tokenCommands,
  ...instrumentCommands,
  ...paperCommands,
  ...accessCommands,
  ...caseCommands,
  ...contactCommands,
  ...mailingCommands,
  ...mailSettingsCommands,
  ...interruptedCommands,
  ...reminderCommands,
  ...rehearsalCommands,
  ...bounceCommands,
  ...exportCommands,
  ...letterCommands,
  ...staffCommands,
  ...siteCommands,
  ...statusCommands,
};

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [noun, verb] = argv;
  if (!noun || noun === 'help' || noun === '--help' || noun === '-h') {
    io.out(USAGE);
    return noun ? 0 : 2;
  }
  // Commands are "noun verb" (fielding create) or one word (codebook).
  const twoWords = commands[`${noun} ${verb ?? ''}`];
  const command = twoWords ?? commands[noun];
  const rest = argv.slice(twoWords ? 2 : 1);
  if (!command) {
    io.err(`fieldkit: unknown command "${[noun, verb].filter(Boolean).join(' ')}".\n\n${USAGE}`);
    return 2;
  }
  try {
    await command(rest, io, (options) => openRuntime(io, options));
    return 0;
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof InstrumentError ||
      err instanceof InstrumentVersionError ||
      err instanceof MigrationError ||
      err instanceof MissingDatabaseError
    ) {
      io.err(`fieldkit: ${err.message}`);
      return err instanceof UsageError ? 2 : 1;
    }
    if (err instanceof AppError) {
      io.err(`fieldkit: ${err.message}`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`fieldkit: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
