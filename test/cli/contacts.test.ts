import { writeFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { frameCsv, frameRow } from '../factories/frame.js';
import { startSmtpServer } from '../support/smtp.js';
import { createPilot, inviteFast, NO_ROWS, runCreate, type Workspace, workspace } from './workspace.js';

/** A further contact of office `number`: the office's own columns, another person. */
const secondContact = (number: number, name: string, overrides: Record<string, string> = {}) =>
  frameRow(number, {
    contact_name: name,
    contact_email: `${name.toLowerCase()}@office${number}.example.org`,
    ...overrides,
  });

/** Every contact as `office_id name <email>`, in the order they were stored. */
const storedContacts = (ws: Workspace) =>
  ws
    .database()
    .prepare(
      `SELECT o.office_id || ' ' || k.name || ' <' || k.email || '>' || coalesce(' ' || k.title, '')
       FROM contacts k JOIN offices o ON o.id = k.office_id ORDER BY k.id`,
    )
    .pluck()
    .all() as string[];

const auditActions = (ws: Workspace) =>
  ws.database().prepare('SELECT action, fielding, detail FROM audit_log ORDER BY id').all() as {
    action: string;
    fielding: string | null;
    detail: string;
  }[];

/** Sends the fielding's invitations to a test SMTP server; returns the addresses that got one. */
async function invitedAddresses(ws: Workspace, received: () => string[]): Promise<string[]> {
  const result = await inviteFast(ws);
  expect(result.code, result.err).toBe(0);
  return received().sort();
}

async function smtpWorkspace() {
  const smtp = await startSmtpServer();
  onTestFinished(() => smtp.close());
  const ws = workspace({ SMTP_URL: smtp.url });
  return { ws, received: () => smtp.received.flatMap((r) => r.envelopeTo) };
}

describe('fieldkit fielding create: several contacts per office in the frame', () => {
  it('stores every contact of a repeated office_id row, issues a link to each, and invites each', async () => {
    const { ws, received } = await smtpWorkspace();
    const frame = ws.writeFrame(
      'frame.csv',
      frameCsv([
        frameRow(1),
        frameRow(2),
        { ...secondContact(1, 'Deputy'), contact_title: 'First Assistant' },
        secondContact(2, 'Clerk', { state: 'pa' }),
      ]),
    );

    const result = await runCreate(ws, frame);

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('2 offices, 4 links');
    expect(storedContacts(ws)).toEqual([
      'OFF-1 Contact 1 <contact1@office1.example.org>',
      'OFF-1 Deputy <deputy@office1.example.org> First Assistant',
      'OFF-2 Contact 2 <contact2@office2.example.org>',
      'OFF-2 Clerk <clerk@office2.example.org>',
    ]);
    expect(ws.counts()).toMatchObject({ offices: 2, cases: 2, tokens: 4 });
    expect(ws.readLinks('links.csv').map((l) => `${l.office_id} ${l.contact_email}`)).toEqual([
      'OFF-1 contact1@office1.example.org',
      'OFF-1 deputy@office1.example.org',
      'OFF-2 contact2@office2.example.org',
      'OFF-2 clerk@office2.example.org',
    ]);
    expect(await invitedAddresses(ws, received)).toEqual([
      'clerk@office2.example.org',
      'contact1@office1.example.org',
      'contact2@office2.example.org',
      'deputy@office1.example.org',
    ]);
  });

  it('refuses a repeated office_id whose office columns differ, naming both lines, and stores nothing', async () => {
    const ws = workspace();
    const frame = ws.writeFrame(
      'frame.csv',
      frameCsv([frameRow(1), frameRow(2), secondContact(1, 'Deputy', { jurisdiction: 'Another County' })]),
    );

    const result = await runCreate(ws, frame);

    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'fieldkit: frame.csv: 1 problem(s); nothing was imported.',
      'frame.csv:4:4 (jurisdiction): differs from line 2 for office "OFF-1"',
    ]);
    expect(ws.counts()).toEqual(NO_ROWS);
  });

  it('refuses the same email twice for one office and stores nothing', async () => {
    const ws = workspace();
    const frame = ws.writeFrame(
      'frame.csv',
      frameCsv([frameRow(1), secondContact(1, 'Deputy', { contact_email: 'CONTACT1@office1.example.org' })]),
    );

    const result = await runCreate(ws, frame);

    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'frame.csv:3:8 (contact_email): the contact "contact1@office1.example.org" is already on line 2 for office "OFF-1"',
    );
    expect(ws.counts()).toEqual(NO_ROWS);
  });

  it('updates the contacts of a known office when a later fielding imports the frame again, without duplicating them', async () => {
    const ws = workspace();
    const rows = [frameRow(1), secondContact(1, 'Deputy')];
    expect((await runCreate(ws, ws.writeFrame('frame.csv', frameCsv(rows)))).code).toBe(0);
    const response = await ws
      .api()
      .put(`/api/respond/${ws.readLinks('links.csv')[0]?.link.split('/s/')[1]}/draft`)
      .send({ answers: { consent: 1, a1_role: 2 }, page: 1, revision: 0 });
    expect(response.status).toBe(200);

    const again = [frameRow(1), secondContact(1, 'Deputy', { contact_name: 'Deputy Renamed' })];
    const result = await ws.run(
      'fielding',
      'create',
      '--name',
      'wave2',
      '--instrument',
      'tip-prosecutor-survey',
      '--frame',
      ws.writeFrame('frame2.csv', frameCsv(again)),
      '--links-out',
      'links2.csv',
    );

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(storedContacts(ws)).toEqual([
      'OFF-1 Contact 1 <contact1@office1.example.org>',
      'OFF-1 Deputy Renamed <deputy@office1.example.org>',
    ]);
    expect(ws.counts()).toMatchObject({ offices: 1, contacts: 2, cases: 2, tokens: 4, responses: 1 });
  });
});

/** A pilot of offices OFF-1 and OFF-2 (one contact each) and a contacts file written beside it. */
async function pilotWithContactsFile(csv: string) {
  const env = await smtpWorkspace();
  await createPilot(env.ws, { offices: 2 });
  writeFileSync(env.ws.file('contacts.csv'), csv);
  return env;
}

const runImport = (ws: Workspace, ...extra: string[]) =>
  ws.run('contacts', 'import', '--fielding', 'pilot', 'contacts.csv', ...extra);

describe('fieldkit contacts import --fielding <name> <contacts.csv>', () => {
  it('adds the contacts, prints how many went to how many offices, logs them in the cases and audit log, and invites them', async () => {
    const { ws, received } = await pilotWithContactsFile(
      [
        'office_id,contact_name,contact_email,contact_title',
        'OFF-1,Deputy One,Deputy.One@office1.example.org,First Assistant',
        'OFF-2,Clerk Two,clerk.two@office2.example.org,',
        'OFF-1,Aide One,aide.one@office1.example.org,',
        // An address another office has is still new at this one.
        'OFF-2,Contact One,contact1@office1.example.org,',
      ].join('\r\n'),
    );

    const result = await runImport(ws);

    expect(result).toEqual({ code: 0, out: 'Added 4 contact(s) to 2 office(s) of fielding "pilot".', err: '' });
    expect(storedContacts(ws)).toEqual([
      'OFF-1 Contact 1 <contact1@office1.example.org>',
      'OFF-2 Contact 2 <contact2@office2.example.org>',
      'OFF-1 Deputy One <deputy.one@office1.example.org> First Assistant',
      'OFF-2 Clerk Two <clerk.two@office2.example.org>',
      'OFF-1 Aide One <aide.one@office1.example.org>',
      'OFF-2 Contact One <contact1@office1.example.org>',
    ]);
    const added = ws.database().prepare("SELECT count(*) FROM case_events WHERE type = 'contact_added'").pluck().get();
    expect(added).toBe(4);
    expect(auditActions(ws).at(-1)).toEqual({
      action: 'contacts.import',
      fielding: 'pilot',
      detail: JSON.stringify({ file: 'contacts.csv', contacts: 4, offices: 2 }),
    });
    expect(await invitedAddresses(ws, received)).toEqual([
      'aide.one@office1.example.org',
      'clerk.two@office2.example.org',
      'contact1@office1.example.org',
      'contact1@office1.example.org',
      'contact2@office2.example.org',
      'deputy.one@office1.example.org',
    ]);
  });

  it('imports nothing and lists every problem by line and column when any row is bad', async () => {
    const { ws } = await pilotWithContactsFile(
      [
        'office_id,contact_name,contact_email',
        'OFF-1,Good Row,good@office1.example.org',
        'OFF-9,Nowhere,someone@office9.example.org',
        'OFF-2,Bad Email,jane@',
        'OFF-1,Same Again,GOOD@office1.example.org',
        'OFF-2,Known Already,contact2@office2.example.org',
        'OFF-1,,noname@office1.example.org',
        'OFF-2,Too Many,many@office2.example.org,extra',
      ].join('\n'),
    );
    const before = { counts: ws.counts(), audit: auditActions(ws).length };

    const result = await runImport(ws);

    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'fieldkit: contacts.csv: 6 problem(s); nothing was imported.',
      'contacts.csv:3:1 (office_id): office_id "OFF-9" is not in fielding "pilot"',
      'contacts.csv:4:3 (contact_email): "jane@" is not a valid email address',
      'contacts.csv:5:3 (contact_email): the contact "good@office1.example.org" is already on line 2 for office "OFF-1"',
      'contacts.csv:6:3 (contact_email): "contact2@office2.example.org" is already a contact of office "OFF-2"',
      'contacts.csv:7:2 (contact_name): a value is required',
      'contacts.csv:8: the row has 4 fields but the header has 3',
    ]);
    expect(ws.counts()).toEqual(before.counts);
    expect(auditActions(ws)).toHaveLength(before.audit);
    expect(ws.database().prepare("SELECT count(*) FROM case_events WHERE type = 'contact_added'").pluck().get()).toBe(
      0,
    );
  });

  it('refuses an office that is known from another fielding but not in this one', async () => {
    const { ws } = await pilotWithContactsFile(
      'office_id,contact_name,contact_email\nOFF-3,Deputy,d@office3.example.org\n',
    );
    await createPilot(ws, { name: 'other', offices: 3 });
    const before = ws.counts();

    const result = await runImport(ws);

    expect(result.code).toBe(2);
    expect(result.err).toContain('contacts.csv:2:1 (office_id): office_id "OFF-3" is not in fielding "pilot"');
    expect(ws.counts()).toEqual(before);
  });

  it('reports a missing required column and a column a contacts file does not have, at the header', async () => {
    const { ws } = await pilotWithContactsFile('office_id,contact_name,phone\nOFF-1,Deputy,555-0100\n');
    const before = ws.counts();

    const result = await runImport(ws);

    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([
      'fieldkit: contacts.csv: 2 problem(s); nothing was imported.',
      'contacts.csv:1 (contact_email): the required column "contact_email" is missing from the header',
      'contacts.csv:1:3 (phone): the column "phone" is not a contact column (a contacts file has office_id, contact_name, contact_email, contact_title)',
    ]);
    expect(ws.counts()).toEqual(before);
  });

  it('refuses an empty file and a file with only a header', async () => {
    const { ws } = await pilotWithContactsFile('');
    expect((await runImport(ws)).err).toContain('contacts.csv:1: the file is empty');
    writeFileSync(ws.file('contacts.csv'), 'office_id,contact_name,contact_email\r\n');
    expect((await runImport(ws)).err).toContain('contacts.csv:1: the file has a header but no contacts');
  });

  it('names an unknown fielding, a missing --fielding and an unreadable file', async () => {
    const { ws } = await pilotWithContactsFile('office_id,contact_name,contact_email\nOFF-1,D,d@office1.example.org\n');
    expect(await ws.run('contacts', 'import', '--fielding', 'nope', 'contacts.csv')).toMatchObject({
      code: 1,
      err: 'fieldkit: No fielding named "nope".',
    });
    expect(await ws.run('contacts', 'import', 'contacts.csv')).toMatchObject({
      code: 2,
      err: 'fieldkit: Missing --fielding.',
    });
    expect(await ws.run('contacts', 'import', '--fielding', 'pilot', 'missing.csv')).toMatchObject({
      code: 2,
      err: 'fieldkit: Cannot read the contacts file missing.csv.',
    });
    expect(ws.counts()).toMatchObject({ contacts: 2 });
  });
});
