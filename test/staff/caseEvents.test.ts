import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { CaseEventType } from '../../server/cases/repo.js';
import type { IssuedLink } from '../../server/contracts/cases.js';
import { createRepos } from '../../server/repos.js';
import { frameRow } from '../factories/frame.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { addMember, signIn, staffEnv } from './setup.js';

/**
 * Every kind of case event, with the detail the services record for it (tokens/workflows.ts,
 * responses/service.ts, mailings/dispatch.ts, cases/undeliverable.ts ...), and the sentence the
 * console shows for it. `satisfies Record<CaseEventType, …>` makes a new kind without a line here
 * a type error.
 */
const EVERY_KIND = {
  case_created: [{ fielding: 'wave1' }, 'The case was created in fielding wave1.'],
  token_issued: [
    { contact_id: 'DANA', purpose: 'letter' },
    'A new link #TOKEN and access code were issued to Dana Reyes (dana@adams.example.org) for a postal letter.',
  ],
  token_revoked: [
    { reason: 'reminder not delivered' },
    'The link #TOKEN stopped working because its reminder could not be delivered.',
  ],
  link_opened: [{ via: 'code' }, 'The survey was opened by typing the access code of the link #TOKEN.'],
  consented: [{}, 'The respondent agreed to take part (consent given).'],
  page_saved: [{ page: 2 }, 'Answers were saved on page 3.'],
  completed: [{ answered: 41 }, 'The survey was submitted with 41 answers.'],
  declined: [
    { reason: 'no such cases here' },
    'The respondent declined to take part in the survey: no such cases here.',
  ],
  marked_ineligible: [
    { reason: 'merged into OFF-2', by: 'field@study.example.org' },
    'Recorded as not eligible by field@study.example.org: merged into OFF-2.',
  ],
  marked_refused: [
    { reason: 'declined by phone', by: 'field@study.example.org' },
    'Recorded as a refusal by field@study.example.org: declined by phone.',
  ],
  marked_invited: [
    { on: '2027-02-01', by: 'field@study.example.org' },
    'Recorded by field@study.example.org as invited: the links were handed out another way on 2027-02-01.',
  ],
  email_sent: [
    { send_id: 7, contact_id: 'DANA', kind: 'reminder', number: 2 },
    'The reminder 2 was accepted by the mail server for Dana Reyes (dana@adams.example.org).',
  ],
  email_bounced: [
    { contact_id: 'DANA', source: 'dsn', status: '5.1.1', send_id: 7 },
    'Mail to Dana Reyes (dana@adams.example.org) was refused for good, according to a bounce message (status 5.1.1).',
  ],
  contact_undeliverable: [
    { contact_id: 'DANA', reason: 'mailbox unknown' },
    'The address of Dana Reyes (dana@adams.example.org) was marked undeliverable: mailbox unknown.',
  ],
  undeliverable: [{}, 'No contact of the office can be reached by email any more.'],
  contact_added: [
    { contact_id: 'DANA' },
    'Dana Reyes (dana@adams.example.org) was added as a contact, or can be mailed again.',
  ],
  opted_out: [
    { contact_id: 'DANA', send_id: 7 },
    'Dana Reyes (dana@adams.example.org) opted out from an email’s link: a refusal, and no more mail goes to this office.',
  ],
} satisfies Record<CaseEventType, [Record<string, unknown>, string]>;

type Event = { type: string; tokenId: number | null; detail: unknown; summary: string };

describe('GET /api/staff/cases/:id event log', () => {
  it('words every kind of event as a sentence, naming the contact instead of its id', async () => {
    const env = staffEnv();
    seedFielding(env, {
      name: 'wave1',
      rows: [frameRow(1, { contact_name: 'Dana Reyes', contact_email: 'dana@adams.example.org' })],
    });
    const repos = createRepos(env.db);
    const found = repos.cases.findCaseByNames('wave1', 'OFF-1');
    const caseId = found?.id as number;
    const contactId = repos.offices.contactsOf(found?.office_id as number)[0]?.id as number;
    const tokenId = repos.tokens.tokensOfCase(caseId)[0]?.id as number;
    const at = env.clock().toISOString();
    const baseline = repos.cases.eventsOf(caseId).length;
    for (const [type, [detail]] of Object.entries(EVERY_KIND)) {
      const withContact = Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, v === 'DANA' ? contactId : v]));
      const carriesToken = ['token_issued', 'token_revoked', 'link_opened'].includes(type);
      repos.cases.appendEvent(caseId, type as CaseEventType, at, carriesToken ? tokenId : null, withContact);
    }
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);

    const res = await staff.get(`/api/staff/cases/${caseId}`);

    expect(res.status).toBe(200);
    const events = (res.body.events as Event[]).slice(baseline);
    expect(events.map((e) => [e.type, e.summary])).toEqual(
      Object.entries(EVERY_KIND).map(([type, [, sentence]]) => [type, sentence.replace('TOKEN', String(tokenId))]),
    );
    for (const e of events) {
      expect(e.summary, e.type).not.toMatch(/[{}]|_id|[a-z]_[a-z]/);
    }
  });

  it('words the log of a real fielding: created, invited by the links file, opened, consented, saved', async () => {
    const env = staffEnv();
    const [link] = seedFielding(env, {
      name: 'wave1',
      rows: [frameRow(1, { contact_name: 'Dana Reyes', contact_email: 'dana@adams.example.org' })],
    });
    const token = tokenOf(link as IssuedLink);
    await request(env.app).get(`/api/respond/${token}`).expect(200);
    await request(env.app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 })
      .expect(200);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    const caseId = createRepos(env.db).cases.findCaseByNames('wave1', 'OFF-1')?.id as number;

    const res = await staff.get(`/api/staff/cases/${caseId}`);

    expect((res.body.events as Event[]).map((e) => e.summary)).toEqual([
      'The case was created in fielding wave1.',
      expect.stringMatching(
        /^A new link #\d+ and access code were issued to Dana Reyes \(dana@adams\.example\.org\)\.$/,
      ),
      expect.stringMatching(/^The survey was opened from the link #\d+\.$/),
      'The respondent agreed to take part (consent given).',
      'Answers were saved on page 2.',
    ]);
  });
});
