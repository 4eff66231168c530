import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldedHeaderDsn, paddedDsn, recordSentInvitation } from '../factories/bounces.js';
import { seedFielding } from '../support/app.js';
import { describeProbe, probeHealthWhile } from '../support/probe.js';
import { addMember, type Session, signIn, staffEnv } from './setup.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bounces/${name}`, import.meta.url));

function upload(session: Session, query: string, body: Buffer, type = 'application/mbox') {
  return session.send('post', `/api/staff/bounces?${query}`).set('Content-Type', type).send(body);
}

async function fieldworkWithPilot() {
  const env = staffEnv();
  seedFielding(env, { offices: 4 });
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email) };
}

const statusOf = (env: ReturnType<typeof staffEnv>, email: string) =>
  env.db.prepare('SELECT status FROM contacts WHERE email = ?').pluck().get(email);

describe('POST /api/staff/bounces (an mbox or one message as the body)', () => {
  it('marks the bounced contacts undeliverable and answers the report, audited with counts only', async () => {
    const { env, staff } = await fieldworkWithPilot();
    recordSentInvitation(env.db, 'OFF-4', '<invite-4.e9d1aa@survey.example.org>');

    const res = await upload(staff, 'file=mixed.mbox', fixture('mixed.mbox'));

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      dryRun: false,
      report: {
        name: 'mixed.mbox',
        messages: 3,
        dsns: 2,
        markedUndeliverable: [
          { email: 'contact4@office4.example.org', status: '5.2.2', contactId: 4, officeId: 'OFF-4', sendId: 1 },
        ],
        alreadyUndeliverable: [],
        temporary: [],
        unmatched: [
          {
            line: 2,
            email: 'nobody@nowhere.example.org',
            action: 'failed',
            status: '5.1.1',
            reason: 'other_recipient',
            messageId: '<invite-4.e9d1aa@survey.example.org>',
          },
        ],
        ignored: 1,
        skipped: [
          {
            line: 38,
            reason: 'not a delivery-status notification (text/plain, subject "Re: Your office\'s invitation")',
          },
        ],
        attempts: 1,
      },
    });
    expect(statusOf(env, 'contact4@office4.example.org')).toBe('undeliverable');
    const audit = env.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'bounces.read'").all() as {
      actor: string;
      detail: string;
    }[];
    expect(audit.map((a) => a.actor)).toEqual(['field@study.example.org']);
    expect(audit[0]?.detail).not.toContain('@');
  });

  it('takes one message as message/rfc822, and with dryRun=true changes nothing', async () => {
    const { env, staff } = await fieldworkWithPilot();

    recordSentInvitation(env.db, 'OFF-1', '<invite-1.7f3a9c@survey.example.org>');

    const res = await upload(staff, 'dryRun=true', fixture('postfix-user-unknown.eml'), 'message/rfc822');

    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.report.markedUndeliverable).toEqual([
      { email: 'contact1@office1.example.org', status: '5.1.1', contactId: 1, officeId: 'OFF-1', sendId: 1 },
    ]);
    expect(statusOf(env, 'contact1@office1.example.org')).toBe('active');
    expect(env.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'bounces.read'").pluck().get()).toBe(0);
  });

  it('refuses a file with a broken message with 422 and every problem, applying nothing', async () => {
    const { env, staff } = await fieldworkWithPilot();

    const res = await upload(staff, 'file=broken.mbox', fixture('broken.mbox'));

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('bounces_invalid');
    expect(res.body.error.details.problems.map((p: { text: string }) => p.text)).toEqual([
      'broken.mbox:29:9: Status "5.1" is not a DSN status code x.y.z',
      'broken.mbox:36: multipart/report without a message/delivery-status part',
      'broken.mbox:47: not a mail message: no header block',
    ]);
    expect(statusOf(env, 'contact1@office1.example.org')).toBe('active');
  });

  it('refuses another media type with 415, naming the two it takes', async () => {
    const { staff } = await fieldworkWithPilot();

    const res = await upload(staff, '', fixture('postfix-user-unknown.eml'), 'text/plain');

    expect(res.status).toBe(415);
    expect(res.body.error.message).toBe(
      'Send the file as the request body with Content-Type: application/mbox or message/rfc822.',
    );
  });
});

describe('POST /api/staff/bounces with a message built to hold the server', () => {
  /** The upload timed, with /api/health asked over and over while it runs. */
  async function timedUpload(staff: Session, env: ReturnType<typeof staffEnv>, name: string, text: string) {
    const started = performance.now();
    const { result: res, probe } = await probeHealthWhile(
      env,
      upload(staff, `file=${name}`, Buffer.from(text), 'message/rfc822').then((r) => r),
    );
    return { res, probe, ms: performance.now() - started };
  }

  it('answers a DSN whose returned header is folded over 60,000 lines (235 KB) with 422 within 1 s (on a loaded machine, within the time of two ordinary DSNs of its size), while /api/health keeps answering', async () => {
    const { env, staff } = await fieldworkWithPilot();
    const folded = foldedHeaderDsn(60_000, { messageId: '<invite-1.7f3a9c@survey.example.org>' });
    const ordinary = paddedDsn(folded.length, { email: 'nobody@nowhere.example.org' });
    expect([folded.length, ordinary.length].map((n) => Math.round(n / 1024))).toEqual([235, 235]);
    const blockStart = folded.split('\n').indexOf('From: TIP Prosecutor Survey <fieldwork@survey.example.org>') + 1;

    const baseline = await timedUpload(staff, env, 'ordinary.eml', ordinary);
    const hostile = await timedUpload(staff, env, 'folded.eml', folded);

    process.stdout.write(describeProbe('ordinary DSN of 235 KB', baseline.probe));
    process.stdout.write(describeProbe('DSN with a header folded over 60,000 lines (235 KB)', hostile.probe));
    expect(baseline.res.status).toBe(200);
    expect(hostile.res.status, JSON.stringify(hostile.res.body).slice(0, 500)).toBe(422);
    expect(hostile.res.body.error.details.problems.map((p: { text: string }) => p.text)).toEqual([
      `folded.eml:${blockStart + 1000}:1: the header block that starts at line ${blockStart} has more than 1,000 lines; ` +
        'no mail system writes such a header, so the message that starts at line 1 is refused',
    ]);
    // Within 1 s, or as long as two ordinary messages of that size: on a loaded machine starting the
    // reading thread alone can take seconds, while the quadratic reader took 8–40 s for this one.
    expect(hostile.ms).toBeLessThan(Math.max(1_000, 2 * baseline.ms));
    // The aim is 200 ms (bench/bounces.bench.ts measures it); 1 s keeps the test from failing on a
    // machine so loaded that any request takes that long, while the quadratic reader held it 8–40 s.
    expect(hostile.probe.slowestMs).toBeLessThan(1_000);
    expect(statusOf(env, 'contact1@office1.example.org')).toBe('active');
    expect(env.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'bounces.read'").pluck().get()).toBe(1);
  });
});
