import { copyFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finalDisposition } from '../../server/cases/disposition.js';
import { dsn, foldedHeaderDsn, recordSentInvitation } from '../factories/bounces.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { type Workspace, workspace } from './workspace.js';

const MESSAGE_ID = '<invite-1.7f3a9c@survey.example.org>';

/**
 * Offices 1..4 with one contact each; office 3's contact shares office 2's address (one person
 * answering for two offices). Office 1's invitation went out with the Message-ID that the Postfix
 * fixture returns, office 4's with the one mixed.mbox returns; offices 2 and 3 were never mailed.
 */
async function fieldingWithSend(): Promise<Workspace> {
  const ws = workspace();
  const rows = [frameRow(1), frameRow(2), frameRow(3, { contact_email: 'contact2@office2.example.org' }), frameRow(4)];
  const frame = ws.writeFrame('frame.csv', frameCsv(rows));
  const created = await ws.run(
    ...['fielding', 'create', '--name', 'pilot', '--instrument', 'tip-prosecutor-survey'],
    ...['--frame', frame, '--links-out', 'links.csv'],
  );
  expect(created).toMatchObject({ code: 0, err: '' });
  recordSentInvitation(ws.database(), 'OFF-1', MESSAGE_ID);
  recordSentInvitation(ws.database(), 'OFF-4', '<invite-4.e9d1aa@survey.example.org>');
  return ws;
}

const withFixture = (ws: Workspace, name: string) => {
  copyFileSync(new URL(`../fixtures/bounces/${name}`, import.meta.url), ws.file(name));
  return name;
};

function state(ws: Workspace) {
  const db = ws.database();
  const contacts = db
    .prepare('SELECT o.office_id, c.email, c.status FROM contacts c JOIN offices o ON o.id = c.office_id ORDER BY c.id')
    .all();
  const dispositions = Object.fromEntries(
    (
      db.prepare('SELECT c.id, o.office_id FROM cases c JOIN offices o ON o.id = c.office_id').all() as {
        id: number;
        office_id: string;
      }[]
    ).map((c) => {
      const events = db.prepare('SELECT type, detail FROM case_events WHERE case_id = ? ORDER BY id').all(c.id) as {
        type: string;
        detail: string;
      }[];
      return [c.office_id, finalDisposition(events.map((e) => ({ type: e.type, detail: JSON.parse(e.detail) }))).code];
    }),
  );
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return {
    contacts,
    dispositions,
    events: count('case_events'),
    attempts: db.prepare('SELECT send_id, outcome, smtp_code, smtp_reply FROM email_attempts ORDER BY id').all(),
    audit: count('audit_log'),
  };
}

describe('fieldkit bounces read', () => {
  it("marks the returned Message-ID's contact undeliverable, makes its only case 3.30 and logs the DSN as an attempt", async () => {
    const ws = await fieldingWithSend();
    const file = withFixture(ws, 'postfix-user-unknown.eml');
    expect(state(ws).dispositions['OFF-1']).toBe('3.19');

    const result = await ws.run('bounces', 'read', file);

    expect(result).toEqual({
      code: 0,
      err: '',
      out: [
        'postfix-user-unknown.eml: 1 message, 1 delivery-status notification',
        '  marked undeliverable: contact1@office1.example.org (office OFF-1), 5.1.1',
        '  1 contact marked undeliverable, 0 already undeliverable, 0 temporary, 0 not applied, 0 skipped.',
      ].join('\n'),
    });
    const after = state(ws);
    expect(after.contacts).toContainEqual({
      office_id: 'OFF-1',
      email: 'contact1@office1.example.org',
      status: 'undeliverable',
    });
    // Offices 2 and 3 were never mailed: not invited (3.11), though their links were issued.
    expect(after.dispositions).toEqual({ 'OFF-1': '3.30', 'OFF-2': '3.11', 'OFF-3': '3.11', 'OFF-4': '3.19' });
    expect(after.attempts).toEqual([
      {
        send_id: 1,
        outcome: 'permanent',
        smtp_code: null,
        smtp_reply:
          'DSN 5.1.1 550 5.1.1 <Contact1@Office1.example.org>: Recipient address rejected: User unknown in virtual mailbox table',
      },
    ]);
    const bounced = ws
      .database()
      .prepare("SELECT detail FROM case_events WHERE type = 'email_bounced'")
      .pluck()
      .all() as string[];
    expect(bounced.map((d) => JSON.parse(d))).toEqual([{ contact_id: 1, source: 'dsn', status: '5.1.1', send_id: 1 }]);
  });

  it('changes nothing when the same file is read again, and says the contact was already undeliverable', async () => {
    const ws = await fieldingWithSend();
    const file = withFixture(ws, 'postfix-user-unknown.eml');
    await ws.run('bounces', 'read', file);
    const before = state(ws);

    const again = await ws.run('bounces', 'read', file);

    expect(again.code).toBe(0);
    expect(again.out).toContain('  already undeliverable: contact1@office1.example.org (office OFF-1), 5.1.1');
    expect(again.out).toContain('0 contacts marked undeliverable, 1 already undeliverable');
    // Only the audit log grows: it records that the file was read, twice.
    expect(state(ws)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it('applies nothing from a DSN whose Message-ID matches no send, even for an address of ours, and reports it', async () => {
    const ws = await fieldingWithSend();
    const before = state(ws);

    const result = await ws.run('bounces', 'read', withFixture(ws, 'exim-returned-message.eml'));

    expect(result).toEqual({
      code: 0,
      err: '',
      out: [
        'exim-returned-message.eml: 1 message, 1 delivery-status notification',
        '  not applied: contact2@office2.example.org, 5.0.0 (message at line 1): its Message-ID <invite-2.b41d07@survey.example.org> matches no send',
        '  0 contacts marked undeliverable, 0 already undeliverable, 0 temporary, 1 not applied, 0 skipped.',
      ].join('\n'),
    });
    // Offices 2 and 3 were never mailed: a forged bounce must not make them 3.30.
    expect(state(ws)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it("applies nothing from a DSN with a real send's Message-ID but another recipient, nor one without a Message-ID", async () => {
    const ws = await fieldingWithSend();
    const before = state(ws);
    writeFileSync(ws.file('other.eml'), dsn({ email: 'contact2@office2.example.org', messageId: MESSAGE_ID }));
    writeFileSync(ws.file('bare.eml'), dsn({ email: 'contact1@office1.example.org' }));

    const result = await ws.run('bounces', 'read', 'other.eml', 'bare.eml');

    expect(result.out.split('\n')).toEqual([
      'other.eml: 1 message, 1 delivery-status notification',
      `  not applied: contact2@office2.example.org, 5.1.1 (message at line 1): the send with Message-ID ${MESSAGE_ID} went to another address`,
      '  0 contacts marked undeliverable, 0 already undeliverable, 0 temporary, 1 not applied, 0 skipped.',
      'bare.eml: 1 message, 1 delivery-status notification',
      '  not applied: contact1@office1.example.org, 5.1.1 (message at line 1): no Message-ID of ours came back with it',
      '  0 contacts marked undeliverable, 0 already undeliverable, 0 temporary, 1 not applied, 0 skipped.',
    ]);
    expect(state(ws)).toEqual({ ...before, audit: before.audit + 1 });
  });

  it('reports delays, recipients not applied and skipped mails of an mbox and changes only what bounced for good', async () => {
    const ws = await fieldingWithSend();
    withFixture(ws, 'mixed.mbox');
    withFixture(ws, 'delayed.eml');

    const result = await ws.run('bounces', 'read', 'mixed.mbox', 'delayed.eml');

    expect(result).toEqual({
      code: 0,
      err: '',
      out: [
        'mixed.mbox: 3 messages, 2 delivery-status notifications',
        '  marked undeliverable: contact4@office4.example.org (office OFF-4), 5.2.2',
        '  not applied: nobody@nowhere.example.org, 5.1.1 (message at line 2): the send with Message-ID <invite-4.e9d1aa@survey.example.org> went to another address',
        '  skipped line 38: not a delivery-status notification (text/plain, subject "Re: Your office\'s invitation")',
        '  1 contact marked undeliverable, 0 already undeliverable, 0 temporary, 1 not applied, 1 skipped, 1 delivered, relayed or expanded (nothing to do).',
        'delayed.eml: 1 message, 1 delivery-status notification',
        '  temporary, nothing changed: contact3@office3.example.org, delayed 4.4.7 (message at line 1)',
        '  0 contacts marked undeliverable, 0 already undeliverable, 1 temporary, 0 not applied, 0 skipped.',
      ].join('\n'),
    });
    expect(state(ws).dispositions).toEqual({ 'OFF-1': '3.19', 'OFF-2': '3.11', 'OFF-3': '3.11', 'OFF-4': '3.30' });
  });

  it('records one audit entry with counts and no addresses', async () => {
    const ws = await fieldingWithSend();

    await ws.run('bounces', 'read', withFixture(ws, 'mixed.mbox'));

    const [entry] = ws
      .database()
      .prepare("SELECT actor, fielding, detail FROM audit_log WHERE action = 'bounces.read'")
      .all() as { actor: string; fielding: string | null; detail: string }[];
    expect(entry?.fielding).toBeNull();
    expect(entry?.detail).not.toContain('@');
    expect(JSON.parse(entry?.detail ?? '{}')).toEqual({
      files: [
        {
          file: 'mixed.mbox',
          messages: 3,
          dsns: 2,
          markedUndeliverable: 1,
          alreadyUndeliverable: 0,
          temporary: 0,
          unmatched: 1,
          ignored: 1,
          skipped: 1,
          attempts: 1,
        },
      ],
    });
  });

  it('applies nothing from an mbox with a broken message, printing file:line:column for each problem, exit code 1', async () => {
    const ws = await fieldingWithSend();
    withFixture(ws, 'postfix-user-unknown.eml');
    withFixture(ws, 'broken.mbox');
    const before = state(ws);

    const result = await ws.run('bounces', 'read', 'postfix-user-unknown.eml', 'broken.mbox');

    expect(result).toEqual({
      code: 1,
      out: '',
      err: [
        'broken.mbox:29:9: Status "5.1" is not a DSN status code x.y.z',
        'broken.mbox:36: multipart/report without a message/delivery-status part',
        'broken.mbox:47: not a mail message: no header block',
        'fieldkit: 3 problem(s); nothing was applied.',
      ].join('\n'),
    });
    // The good messages of both files would mark office 1's contact; all or nothing keeps it active.
    expect(state(ws)).toEqual(before);
  });

  it('refuses a message whose header is folded over 60,000 lines at file:line:column, exit code 1, changing nothing', async () => {
    const ws = await fieldingWithSend();
    const text = foldedHeaderDsn(60_000, { messageId: MESSAGE_ID });
    writeFileSync(ws.file('folded.eml'), text);
    const blockStart = text.split('\n').indexOf('From: TIP Prosecutor Survey <fieldwork@survey.example.org>') + 1;
    const before = state(ws);

    const result = await ws.run('bounces', 'read', 'folded.eml');

    expect(result).toEqual({
      code: 1,
      out: '',
      err: [
        `folded.eml:${blockStart + 1000}:1: the header block that starts at line ${blockStart} has more than 1,000 lines; ` +
          'no mail system writes such a header, so the message that starts at line 1 is refused',
        'fieldkit: 1 problem(s); nothing was applied.',
      ].join('\n'),
    });
    expect(state(ws)).toEqual(before);
  });

  it('with --dry-run, reports what would happen and changes nothing', async () => {
    const ws = await fieldingWithSend();
    const before = state(ws);

    const result = await ws.run('bounces', 'read', withFixture(ws, 'postfix-user-unknown.eml'), '--dry-run');

    expect(result.out.split('\n')).toEqual([
      'Dry run: nothing was changed.',
      'postfix-user-unknown.eml: 1 message, 1 delivery-status notification',
      '  would be marked undeliverable: contact1@office1.example.org (office OFF-1), 5.1.1',
      '  1 contact would be marked undeliverable, 0 already undeliverable, 0 temporary, 0 not applied, 0 skipped.',
    ]);
    expect(state(ws)).toEqual(before);
  });

  it.each([
    [[], 'Name the .eml or mbox file(s) to read.'],
    [['missing.eml'], 'Cannot read missing.eml.'],
  ])('explains a wrong call %j with exit code 2', async (args, message) => {
    const ws = workspace();

    expect(await ws.run('bounces', 'read', ...args)).toMatchObject({ code: 2, err: `fieldkit: ${message}` });
  });
});
