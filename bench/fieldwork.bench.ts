import nodemailer from 'nodemailer';
import request from 'supertest';
import { afterAll, bench, describe } from 'vitest';
import { mailingContextOf } from '../server/deps.js';
import { dispatchQueued } from '../server/mailings/dispatch.js';
import { createSmtpMailer } from '../server/mailings/mailer.js';
import { planInvitations } from '../server/mailings/service.js';
import { createRepos } from '../server/repos.js';
import { DEFAULT_TEMPLATES } from '../server/templates/defaults.js';
import { generateFrame } from '../test/factories/frame.js';
import { createTestEnv } from '../test/support/app.js';
import { startSmtpServer } from '../test/support/smtp.js';
import { benchApiToken } from './support/staffToken.js';

/**
 * A national fielding end to end (issue 10's figures), each step next to a baseline measured in
 * the same run, on the synthetic frame of ~2,300 offices:
 * - import: POST /api/staff/fieldings with the frame (parse in a thread, check, offices, contacts,
 *   cases, a link and code per contact, audit), against inserting the same offices, contacts and
 *   cases with three bare prepared statements in one transaction;
 * - invitations: plan and send every invitation through the dispatcher to a real SMTP server on
 *   loopback (a link and opt-out token issued per message, each send recorded before and after its
 *   SMTP transaction), against nodemailer alone sending as many messages of the same size to the
 *   same server over the same number of pooled connections;
 * - dashboard: GET /api/staff/fieldings/:name/status right after (cold: every disposition
 *   computed) and again (warm), against a SQL count of the cases by stratum.
 * Pacing is not what is measured: the fielding's per-minute setting is raised out of the way.
 */
const frameCsv = generateFrame({ seed: 7 });
const smtp = await startSmtpServer();
const mailer = createSmtpMailer(smtp.url);
const env = createTestEnv({ mailer, sleep: async (ms) => env.clock.advance(ms) });
const repos = createRepos(env.db);
const token = benchApiToken(env);
const auth = { Authorization: `Bearer ${token}` };

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(run: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

// 1. Import.
const imported = await timed(() =>
  request(env.app)
    .post('/api/staff/fieldings?name=national&instrument=tip-prosecutor-survey&file=offices.csv')
    .set(auth)
    .set('Content-Type', 'text/csv')
    .send(frameCsv),
);
if (imported.result.status !== 201) throw new Error(`the import answered ${imported.result.status}`);
const offices = repos.fieldings.listFieldings()[0]?.cases ?? 0;
const importBaseline = (() => {
  const scratch = createTestEnv();
  try {
    const lines = frameCsv.trim().split('\n').slice(1);
    const office = scratch.db.prepare(
      `INSERT INTO offices (office_id, office_name, state, jurisdiction, population, stratum, created_at, updated_at)
       VALUES (?, ?, 'PA', 'x', 1, 's', 'now', 'now')`,
    );
    const contact = scratch.db.prepare(
      "INSERT INTO contacts (office_id, name, email, created_at, updated_at) VALUES (?, 'n', ?, 'now', 'now')",
    );
    scratch.db
      .prepare(
        "INSERT INTO fieldings (name, instrument_id, instrument_version, created_at) VALUES ('b', 'i', '1', 'now')",
      )
      .run();
    const kase = scratch.db.prepare("INSERT INTO cases (fielding_id, office_id, created_at) VALUES (1, ?, 'now')");
    const started = performance.now();
    scratch.db.transaction(() => {
      lines.forEach((_, i) => {
        const id = Number(office.run(`B-${i}`, `Office ${i}`).lastInsertRowid);
        contact.run(id, `c${i}@b.example.org`);
        kase.run(id);
      });
    })();
    return performance.now() - started;
  } finally {
    scratch.close();
  }
})();

// 2. Invitations.
const fieldingId = repos.fieldings.findFieldingByName('national')?.id as number;
repos.fieldings.saveMailSettings(
  fieldingId,
  { ...repos.fieldings.mailSettingsOf(fieldingId), perMinute: 100_000 },
  env.clock().toISOString(),
);
const mailingCtx = { ...mailingContextOf(env, mailer), repos };
const sent = await timed(async () => {
  planInvitations(repos, fieldingId, env.clock().toISOString());
  return dispatchQueued(mailingCtx, { fieldingId, kinds: ['invitation'] });
});
if (sent.result.sent !== offices) throw new Error(`sent ${sent.result.sent} of ${offices} invitations`);
const sample = smtp.received[0]?.raw ?? '';
const sendBaseline = await timed(async () => {
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 3 });
  const body = `${DEFAULT_TEMPLATES.invitation.body}\n${'x'.repeat(Math.max(0, sample.length - 1500))}`;
  await Promise.all(
    Array.from({ length: offices }, (_, i) =>
      transport.sendMail({
        from: env.config.mailFrom,
        to: `c${i}@b.example.org`,
        subject: DEFAULT_TEMPLATES.invitation.subject,
        text: body,
        html: `<p>${body}</p>`,
      }),
    ),
  );
  transport.close();
});

// 3. Dashboard.
const statusOf = () => request(env.app).get('/api/staff/fieldings/national/status').set(auth);
const cold = await timed(statusOf);
const warm = await timed(statusOf);
if (cold.result.status !== 200) throw new Error(`the status answered ${cold.result.status}`);
const byStratum = env.db.prepare(
  'SELECT o.stratum, count(*) FROM cases c JOIN offices o ON o.id = c.office_id WHERE c.fielding_id = ? GROUP BY o.stratum',
);
const statusBaseline = await timed(() => byStratum.all(fieldingId));

const ratio = (ms: number, base: number) => `${(ms / base).toFixed(1)} × baseline`;
process.stdout.write(
  [
    `fieldwork of ${offices} offices:`,
    `  import, POST /api/staff/fieldings: ${seconds(imported.ms)} = ${ratio(imported.ms, importBaseline)} (baseline: bare INSERTs of offices, contacts, cases: ${seconds(importBaseline)})`,
    `  invitations, plan + dispatch to loopback SMTP: ${seconds(sent.ms)} = ${ratio(sent.ms, sendBaseline.ms)} (${(offices / (sent.ms / 1000)).toFixed(0)} messages/s; baseline: nodemailer alone, 3 pooled connections: ${seconds(sendBaseline.ms)})`,
    `  dashboard, GET …/status: first ${seconds(cold.ms)} = ${ratio(cold.ms, statusBaseline.ms)}, again ${(warm.ms).toFixed(0)} ms = ${ratio(warm.ms, statusBaseline.ms)} (baseline: SQL count by stratum: ${statusBaseline.ms.toFixed(2)} ms)`,
    `  RR1 on the dashboard: ${cold.result.body.overall.rates.RR1}; messages the SMTP server received: ${smtp.received.length} (both runs)`,
    '',
  ].join('\n'),
);

afterAll(async () => {
  mailer.close();
  await smtp.close();
  env.close();
});

describe(`fieldwork of ${offices} offices (figures printed above)`, () => {
  bench('dashboard status, warm', async () => {
    await statusOf();
  });
  bench('baseline: SQL count by stratum', () => {
    byStratum.all(fieldingId);
  });
});
