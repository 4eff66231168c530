import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterAll, bench, describe } from 'vitest';
import { parseCsv as parseCsvRecords, toCsv } from '../server/platform/csv.js';
import { createRepos } from '../server/repos.js';
import { chargedOfficeAnswers } from '../test/factories/answers.js';
import { generateFrame } from '../test/factories/frame.js';
import { startSmtpServer } from '../test/support/smtp.js';

/**
 * The study at its real size, run as a fieldwork lead runs it: the compiled `fieldkit` command and
 * server in processes of their own on one database file, a real SMTP server on loopback.
 * - frame: the synthetic national frame (~2,300 offices in four strata) with a second contact for
 *   450 of them (the office's row repeated);
 * - `frame check` and `fielding create` (cases, a link and code per contact, the links file);
 * - `invite --dry-run` at the default pace (what it says the wave will take), then `invite` at the
 *   highest pace (100,000 a minute), every message counted at the SMTP server (none lost or
 *   doubled), next to nodemailer alone sending as many messages over pooled connections;
 * - the default pace held for a minute on a second fielding (messages a minute actually sent);
 * - `letters` for every office that has not finished;
 * - 600 completions through the respondent API (open, autosave, submit) by six concurrent clients
 *   on the server process, next to the same clients asking /api/health as many times;
 * - `export` of every format, its rows checked against completes + partials.
 * Each CLI step is also given next to `fieldkit fielding list` (a process start and the database
 * opened: what any command costs). Needs `npm run build` (the compiled CLI and server).
 */
const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'bin', 'fieldkit.js');
const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-national-'));
const smtp = await startSmtpServer();
const env = {
  ...process.env,
  DATA_DIR: dir,
  SMTP_URL: smtp.url,
  MAIL_FROM: 'Study <study@example.org>',
  LOG_LEVEL: 'silent',
  FIELDKIT_NOW: '',
};
delete (env as Record<string, string | undefined>).FIELDKIT_NOW;

/** The rows of a CSV text, header first; throws on a problem. */
function parseCsv(text: string): [string[], ...string[][]] {
  const parsed = parseCsvRecords(text);
  const [header, ...rows] = parsed.records.map((r) => r.fields);
  if (parsed.problems.length > 0 || header === undefined)
    throw new Error(`CSV problem: ${JSON.stringify(parsed.problems[0])}`);
  return [header, ...rows];
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (ms: number, base: number) => `${(ms / base).toFixed(1)} × baseline`;

/**
 * Runs `fieldkit <args>` to the end; throws with its stderr when it fails. Asynchronous: the SMTP
 * server the command talks to lives in this process.
 */
async function fieldkit(args: string[]) {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const ms = performance.now() - started;
  if (status !== 0) throw new Error(`fieldkit ${args.join(' ')} exited ${status}: ${err}`);
  return { ms, out, err };
}

// The frame: every office once, 450 of them twice with a second contact.
const frame = generateFrame({ seed: 7 });
const [header, ...rows] = parseCsv(frame);
const col = (name: string) => header.indexOf(name);
const seconds_ = rows.slice(0, 450).map((row) => {
  const copy = [...row];
  copy[col('contact_name')] = `Second ${row[col('contact_name')]}`;
  copy[col('contact_email')] = `second.${row[col('contact_email')]}`;
  return copy;
});
writeFileSync(path.join(dir, 'offices.csv'), toCsv([header, ...rows, ...seconds_]));
const offices = rows.length;
const contacts = rows.length + seconds_.length;
// A small frame for the default pace: 300 other offices.
writeFileSync(
  path.join(dir, 'paced.csv'),
  toCsv([header, ...rows.slice(0, 300).map((r) => r.map((c, i) => (i === col('office_id') ? `P-${c}` : c)))]),
);

const checked = await fieldkit(['frame', 'check', 'offices.csv']);
const created = await fieldkit([
  'fielding',
  'create',
  '--name',
  'national',
  '--instrument',
  'tip-prosecutor-survey',
  '--frame',
  'offices.csv',
  '--links-out',
  'links.csv',
]);
const baselineCli = (await fieldkit(['fielding', 'list'])).ms;

// Invitations: what the dry run says at the default pace, then the whole wave at the highest.
const dryRun = await fieldkit(['invite', '--fielding', 'national', '--dry-run']);
const db = new Database(path.join(dir, 'fieldkit.db'));
const repos = createRepos(db);
/** Sets a fielding's pace as the Email page does. */
function setPace(name: string, perMinute: number) {
  const id = repos.fieldings.findFieldingByName(name)?.id as number;
  repos.fieldings.saveMailSettings(id, { ...repos.fieldings.mailSettingsOf(id), perMinute }, new Date().toISOString());
}
setPace('national', 100_000);
const invited = await fieldkit(['invite', '--fielding', 'national']);
const received = smtp.received.length;
const recipients = new Set(smtp.received.flatMap((m) => m.envelopeTo));
const sample = smtp.received[0]?.raw ?? '';
const sendBaseline = await (async () => {
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 3 });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: received }, (_, i) =>
      transport.sendMail({ from: env.MAIL_FROM, to: `b${i}@b.example.org`, subject: 'Baseline', text: sample }),
    ),
  );
  transport.close();
  return performance.now() - started;
})();

// The default pace, held for a minute on a second fielding.
await fieldkit([
  'fielding',
  'create',
  '--name',
  'paced',
  '--instrument',
  'tip-prosecutor-survey',
  '--frame',
  'paced.csv',
  '--links-out',
  'paced-links.csv',
]);
const pacedDefault = repos.fieldings.mailSettingsOf(
  repos.fieldings.findFieldingByName('paced')?.id as number,
).perMinute;
const pacedBefore = smtp.received.length;
const paced = spawn(process.execPath, [cli, 'invite', '--fielding', 'paced'], { env, cwd: dir, stdio: 'ignore' });
await new Promise((resolve) => setTimeout(resolve, 60_000));
const pacedInMinute = smtp.received.length - pacedBefore;
paced.kill('SIGTERM');
await new Promise((resolve) => paced.once('exit', resolve));

// Letters for every office that has not finished (all of them, here).
const letters = await fieldkit(['letters', '--fielding', 'national', '--out', 'letters.pdf']);

// 600 completions through the respondent API, six clients at a time, on the server's own process.
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const { SMTP_URL: _smtp, ...withoutSmtp } = env;
const server = spawn(process.execPath, [path.join(root, 'dist', 'server', 'index.js')], {
  // No SMTP_URL: the completions are what is timed, not thank-yous.
  env: { ...withoutSmtp, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}` },
  cwd: dir,
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`the server exited ${code} before listening`)));
  const lines = createInterface({ input: server.stdout });
  lines.on('line', (line) => {
    if (line.startsWith('Fieldkit is running')) resolve();
  });
});
const base = `http://127.0.0.1:${port}`;
const [linksHeader, ...linkRows] = parseCsv(readFileSync(path.join(dir, 'links.csv'), 'utf8'));
const linkCol = linksHeader.findIndex((h) => h === 'link' || h === 'url');
const officeCol = linksHeader.indexOf('office_id');
const seen = new Set<string>();
const tokens = linkRows
  .filter((r) => !seen.has(r[officeCol] ?? '') && seen.add(r[officeCol] ?? ''))
  .slice(0, 600)
  .map((r) => new URL(r[linkCol] ?? '').pathname.split('/').pop() as string);
const json = { 'content-type': 'application/json' };
async function complete(token: string, i: number) {
  const opened = await fetch(`${base}/api/respond/${token}`);
  if (!opened.ok) throw new Error(`opening a link answered ${opened.status}`);
  const answers = chargedOfficeAnswers({ a2_years: i % 40 });
  const saved = await fetch(`${base}/api/respond/${token}/draft`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify({ answers, page: 1, revision: 0 }),
  });
  if (!saved.ok) throw new Error(`an autosave answered ${saved.status}: ${await saved.text()}`);
  const { revision } = (await saved.json()) as { revision: number };
  const done = await fetch(`${base}/api/respond/${token}/complete`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ answers, revision }),
  });
  if (!done.ok) throw new Error(`a completion answered ${done.status}: ${await done.text()}`);
}
async function sixClients(work: (i: number) => Promise<void>, n: number) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < n) await work(next++);
    }),
  );
  return performance.now() - started;
}
const healthBaseline = await sixClients(async () => {
  const res = await fetch(`${base}/api/health`);
  if (!res.ok) throw new Error(`health answered ${res.status}`);
}, tokens.length * 3);
const completions = await sixClients((i) => complete(tokens[i] as string, i), tokens.length);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));

// Every format.
const exported = await fieldkit(['export', '--fielding', 'national', '--out', 'export']);
const manifest = JSON.parse(readFileSync(path.join(dir, 'export', 'manifest.json'), 'utf8'));
const dataRows = parseCsv(readFileSync(path.join(dir, 'export', 'data.csv'), 'utf8')).length - 1;
const submitted = db.prepare("SELECT count(*) FROM responses WHERE status = 'completed'").pluck().get() as number;

process.stdout.write(
  [
    `the study at its real size: ${offices} offices, ${contacts} contacts (${seconds_.length} second contacts)`,
    `  a command that does nothing (fieldkit fielding list): ${seconds(baselineCli)}`,
    `  frame check: ${seconds(checked.ms)} = ${ratio(checked.ms, baselineCli)}`,
    `  fielding create: ${seconds(created.ms)} = ${ratio(created.ms, baselineCli)}`,
    `  invite --dry-run (default pace): ${seconds(dryRun.ms)}; it says: ${dryRun.out
      .split('\n')
      .filter((l) => /fielding's pace/.test(l))
      .join(' / ')}`,
    `  invite at 100,000 a minute: ${seconds(invited.ms)} = ${ratio(invited.ms, sendBaseline)} (${received} messages received for ${contacts} contacts, ${recipients.size} distinct recipients; baseline: nodemailer alone, 3 pooled connections: ${seconds(sendBaseline)})`,
    `  the default pace (${pacedDefault ?? 'default'} a minute): ${pacedInMinute} messages in the first minute`,
    `  letters: ${seconds(letters.ms)} = ${ratio(letters.ms, baselineCli)}`,
    `  ${tokens.length} completions (open, autosave, submit), six clients: ${seconds(completions)} = ${ratio(completions, healthBaseline)} (baseline: ${tokens.length * 3} /api/health by the same clients: ${seconds(healthBaseline)})`,
    `  export, every format: ${seconds(exported.ms)} = ${ratio(exported.ms, baselineCli)}; data.csv rows ${dataRows}, submitted ${submitted}, manifest rows ${manifest.tables?.[0]?.rows}`,
    '',
  ].join('\n'),
);

afterAll(async () => {
  db.close();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the study at its real size (figures printed above)', () => {
  bench('fieldkit fielding list (a command that does nothing)', async () => {
    await fieldkit(['fielding', 'list']);
  });
});
