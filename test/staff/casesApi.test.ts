import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { IssuedLink } from '../../server/contracts/cases.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { handOutLinks, seedFielding, type TestEnv, tokenOf } from '../support/app.js';
import { describeProbe, probeHealthWhile } from '../support/probe.js';
import { addMember, completedFielding, type Session, signIn, staffEnv } from './setup.js';

const OFFICES = [
  frameRow(1, { office_name: 'Adams County DA', state: 'PA', stratum: 'under 100,000' }),
  frameRow(2, { office_name: 'Baker County Prosecutor', state: 'OR', stratum: 'under 100,000' }),
  frameRow(3, { office_name: 'Cook County State’s Attorney', state: 'IL', stratum: '1,000,000+' }),
  frameRow(4, { office_name: 'Dade County DA', state: 'GA', stratum: 'under 100,000' }),
  frameRow(5, { office_name: 'Erie County DA', state: 'PA', stratum: '250,000–999,999' }),
];

/**
 * Five offices, their links handed out: Adams completed, Baker declined, Cook saved a draft, Dade
 * opened its link only, Erie never answered. A fieldwork member is signed in.
 */
async function fielded(): Promise<{ env: TestEnv; staff: Session; tokens: string[] }> {
  const env = staffEnv();
  const links = seedFielding(env, { name: 'wave1', rows: OFFICES });
  handOutLinks(env, 'wave1');
  const tokens = links.map(tokenOf);
  const [adams, baker, cook, dade] = tokens as [string, string, string, string];
  await request(env.app)
    .post(`/api/respond/${adams}/complete`)
    .send({ answers: chargedOfficeAnswers(), revision: 0 })
    .expect(200);
  await request(env.app).post(`/api/respond/${baker}/decline`).send({}).expect(200);
  await request(env.app)
    .put(`/api/respond/${cook}/draft`)
    .send({ answers: { consent: 1, a1_role: 1 }, page: 1, revision: 0 })
    .expect(200);
  await request(env.app).get(`/api/respond/${dade}`).expect(200);
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email), tokens };
}

const caseIdOf = (env: TestEnv, officeId: string) =>
  env.db
    .prepare('SELECT c.id FROM cases c JOIN offices o ON o.id = c.office_id WHERE o.office_id = ?')
    .pluck()
    .get(officeId) as number;

const auditActions = (env: TestEnv) =>
  env.db
    // The fixture's own record of the links handed out (fielded) is not what these tests do.
    .prepare(
      "SELECT actor || ' ' || action FROM audit_log WHERE action NOT LIKE 'staff.%' AND actor <> 'fixture' ORDER BY id",
    )
    .pluck()
    .all();

describe('GET /api/staff/fieldings/:name/cases', () => {
  it('lists a page of cases by office name with status, disposition, the share answered and the total', async () => {
    const { staff } = await fielded();
    const res = await staff.get('/api/staff/fieldings/wave1/cases');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 50, total: 5 });
    expect(
      res.body.cases.map((c: { officeName: string; status: string; disposition: { code: string } }) => [
        c.officeName,
        c.status,
        c.disposition.code,
      ]),
    ).toEqual([
      ['Adams County DA', 'completed', '1.1'],
      ['Baker County Prosecutor', 'declined', '2.11'],
      ['Cook County State’s Attorney', 'in_progress', '2.12'],
      // Opening a link starts the response (with the frame's prefilled answers), answering nothing.
      ['Dade County DA', 'in_progress', '2.12'],
      ['Erie County DA', 'not_started', '3.19'],
    ]);
    expect(res.body.cases[0]).toMatchObject({
      id: expect.any(Number),
      officeId: 'OFF-1',
      state: 'PA',
      stratum: 'under 100,000',
    });
    expect(res.body.cases[0].pctAnswered).toBeGreaterThanOrEqual(80);
    expect(res.body.cases[4].pctAnswered).toBeNull();
  });

  it('sorts by any listed column either way, and pages through the same order', async () => {
    const { staff } = await fielded();
    const names = async (query: string) =>
      (await staff.get(`/api/staff/fieldings/wave1/cases?${query}`).expect(200)).body.cases.map(
        (c: { officeId: string }) => c.officeId,
      );
    expect(await names('sort=state')).toEqual(['OFF-4', 'OFF-3', 'OFF-2', 'OFF-1', 'OFF-5']);
    expect(await names('sort=disposition&order=desc')).toEqual(['OFF-5', 'OFF-3', 'OFF-4', 'OFF-2', 'OFF-1']);
    // Strata in the frame's order: under 100,000 (OFF-1), then 1,000,000+ (OFF-3), then 250,000–999,999 (OFF-5).
    expect(await names('sort=stratum')).toEqual(['OFF-1', 'OFF-2', 'OFF-4', 'OFF-3', 'OFF-5']);
    expect(await names('sort=status')).toEqual(['OFF-1', 'OFF-2', 'OFF-3', 'OFF-4', 'OFF-5']);
    expect(await names('sort=office_name&order=desc&pageSize=2&page=2')).toEqual(['OFF-3', 'OFF-2']);
    const beyond = await staff.get('/api/staff/fieldings/wave1/cases?pageSize=2&page=4').expect(200);
    expect(beyond.body).toMatchObject({ cases: [], total: 5, page: 4 });
  });

  it('filters by stratum, state, status, disposition and words of the office name, counting the matches', async () => {
    const { staff } = await fielded();
    const found = async (query: string) => {
      const res = await staff.get(`/api/staff/fieldings/wave1/cases?${query}`).expect(200);
      return [res.body.total, res.body.cases.map((c: { officeId: string }) => c.officeId)];
    };
    expect(await found('stratum=under%20100%2C000')).toEqual([3, ['OFF-1', 'OFF-2', 'OFF-4']]);
    expect(await found('state=pa')).toEqual([2, ['OFF-1', 'OFF-5']]);
    expect(await found('status=not_started')).toEqual([1, ['OFF-5']]);
    expect(await found('status=in_progress')).toEqual([2, ['OFF-3', 'OFF-4']]);
    expect(await found('disposition=2.12')).toEqual([2, ['OFF-3', 'OFF-4']]);
    expect(await found('q=county%20da')).toEqual([3, ['OFF-1', 'OFF-4', 'OFF-5']]);
    expect(await found('q=COOK&state=IL&stratum=1%2C000%2C000%2B')).toEqual([1, ['OFF-3']]);
    expect(await found('q=nowhere')).toEqual([0, []]);
  });

  it('refuses paging out of bounds and unknown sorts or filters with 400, an unknown fielding with 404', async () => {
    const { staff } = await fielded();
    for (const query of [
      'page=0',
      'pageSize=0',
      'pageSize=201',
      'page=-1',
      'page=x',
      'sort=email',
      'order=up',
      'status=lost',
      'disposition=9.9',
      'state=Penn',
      'colour=red',
    ]) {
      const res = await staff.get(`/api/staff/fieldings/wave1/cases?${query}`);
      expect([res.status, res.body.error.code], query).toEqual([400, 'invalid_input']);
    }
    await staff.get('/api/staff/fieldings/wave1/cases?pageSize=200').expect(200);
    const missing = await staff.get('/api/staff/fieldings/nope/cases');
    expect(missing.status).toBe(404);
  });

  it('lets other requests through while it computes the dispositions of many submitted cases', async () => {
    const env = staffEnv();
    completedFielding(env, 1500);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    // Building the instrument's model for the share answered (~0.3 s) happens once per server process: done here first.
    seedFielding(env, { name: 'warm-up', rows: [frameRow(9999)] });
    await staff.get('/api/staff/fieldings/warm-up/cases').expect(200);
    await request(env.app)
      .post(
        `/api/respond/${tokenOf(seedFielding(env, { name: 'warm-up-2', rows: [frameRow(9998)] })[0] as IssuedLink)}/complete`,
      )
      .send({ answers: chargedOfficeAnswers(), revision: 0 })
      .expect(200);
    await staff.get('/api/staff/fieldings/warm-up-2/cases').expect(200);
    const { result: res, probe } = await probeHealthWhile(
      env,
      staff.get('/api/staff/fieldings/wave1/cases?disposition=1.1').then((r) => r),
    );
    expect(res.body.total).toBe(1500);
    process.stdout.write(describeProbe('cold case list of 1,500 submitted cases', probe));
    expect(probe.checks).toBeGreaterThan(5);
    expect(probe.longestGapMs).toBeLessThan(probe.elapsedMs / 4);
  });

  it('shows a disposition changed by a new event on the next request', async () => {
    const { env, staff } = await fielded();
    const erie = caseIdOf(env, 'OFF-5');
    const before = await staff.get('/api/staff/fieldings/wave1/cases?disposition=4.10').expect(200);
    expect(before.body.total).toBe(0);
    await staff
      .send('post', `/api/staff/cases/${erie}/mark`, { as: 'ineligible', reason: 'office merged' })
      .expect(200);
    const after = await staff.get('/api/staff/fieldings/wave1/cases?disposition=4.10').expect(200);
    expect(after.body.cases).toMatchObject([
      { officeId: 'OFF-5', disposition: { code: '4.10', reason: 'office merged' } },
    ]);
  });
});

describe('GET /api/staff/cases/:id', () => {
  it('shows the office, its contacts with their links, the event log in time order and the response’s progress', async () => {
    const { env, staff } = await fielded();
    const cook = caseIdOf(env, 'OFF-3');
    const res = await staff.get(`/api/staff/cases/${cook}`);
    expect(res.status).toBe(200);
    expect(res.body.case).toEqual({
      id: cook,
      fielding: 'wave1',
      instrument: 'tip-prosecutor-survey',
      disposition: { code: '2.12', label: 'Break-off' },
    });
    expect(res.body.office).toMatchObject({
      officeId: 'OFF-3',
      officeName: 'Cook County State’s Attorney',
      state: 'IL',
      population: 30_000,
      attributes: {},
    });
    expect(res.body.contacts).toEqual([
      expect.objectContaining({
        name: 'Contact 3',
        email: 'contact3@office3.example.org',
        status: 'active',
        links: [expect.objectContaining({ live: true, revokedAt: null })],
      }),
    ]);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([
      'case_created',
      'token_issued',
      'marked_invited',
      'consented',
      'page_saved',
    ]);
    const ids = res.body.events.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    expect(res.body.response).toMatchObject({
      status: 'in_progress',
      instrumentVersion: '1.0.0',
      currentPage: 1,
      revision: 1,
    });
    expect(res.body.response.pctAnswered).toBeGreaterThan(0);
    expect(res.body.response).not.toHaveProperty('answers');
    expect(JSON.stringify(res.body)).not.toMatch(/hash/);
  });

  it('answers 404 for a case that does not exist and 400 for an id that is not one', async () => {
    const { staff } = await fielded();
    expect((await staff.get('/api/staff/cases/999999')).body.error.code).toBe('case_not_found');
    expect((await staff.get('/api/staff/cases/abc')).status).toBe(400);
  });
});

describe('link actions', () => {
  it('reissues a link: the old one answers the generic invalid-link response, the new one continues the same response', async () => {
    const { env, staff, tokens } = await fielded();
    const cook = caseIdOf(env, 'OFF-3');
    const contact = (await staff.get(`/api/staff/cases/${cook}`)).body.contacts[0];
    const res = await staff.send('post', `/api/staff/cases/${cook}/contacts/${contact.id}/reissue`);
    expect(res.status).toBe(201);
    expect(res.body.link).toMatchObject({
      office_id: 'OFF-3',
      contact_email: contact.email,
      link: expect.stringMatching(/\/s\/[\w-]{32}$/),
      access_code: expect.stringMatching(/^\w{4}-\w{4}-\w{4}$/),
    });
    const old = await request(env.app).get(`/api/respond/${tokens[2]}`);
    expect([old.status, old.body.error.code]).toEqual([404, 'link_not_valid']);
    const unknown = await request(env.app).get('/api/respond/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(old.body).toEqual(unknown.body);
    const fresh = String(res.body.link.link).split('/s/')[1] as string;
    const opened = await request(env.app).get(`/api/respond/${fresh}`).expect(200);
    expect(opened.body).toMatchObject({ page: 1, revision: 1, answers: expect.objectContaining({ a1_role: 1 }) });
    await request(env.app)
      .post(`/api/respond/${fresh}/complete`)
      .send({ answers: chargedOfficeAnswers(), revision: 1 })
      .expect(200);
    const page = (await staff.get(`/api/staff/cases/${cook}`)).body;
    expect(page.contacts[0].links.map((l: { live: boolean }) => l.live)).toEqual([false, true]);
    expect(page.case.disposition.code).toBe('1.1');
    expect(auditActions(env)).toEqual(['field@study.example.org case.reissue_link']);
  });

  it('revokes one link, which then answers like an unknown one; a second revoke is 409, another case’s link 404', async () => {
    const { env, staff, tokens } = await fielded();
    const erie = caseIdOf(env, 'OFF-5');
    const [link] = (await staff.get(`/api/staff/cases/${erie}`)).body.contacts[0].links;
    const res = await staff.send('post', `/api/staff/cases/${erie}/links/${link.id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body.link).toMatchObject({ id: link.id, live: false, revokedAt: '2027-02-01T09:00:00.000Z' });
    const gone = await request(env.app).get(`/api/respond/${tokens[4]}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'link_not_valid']);
    const again = await staff.send('post', `/api/staff/cases/${erie}/links/${link.id}/revoke`);
    expect([again.status, again.body.error.code]).toEqual([409, 'already_revoked']);
    const other = await staff.send('post', `/api/staff/cases/${caseIdOf(env, 'OFF-1')}/links/${link.id}/revoke`);
    expect([other.status, other.body.error.code]).toEqual([404, 'token_not_found']);
    expect(auditActions(env)).toEqual(['field@study.example.org case.revoke_link']);
  });
});

describe('POST /api/staff/cases/:id/mark', () => {
  it('records a refusal or an ineligible office with its reason, by the staff member, and answers the disposition', async () => {
    const { env, staff } = await fielded();
    const refused = await staff.send('post', `/api/staff/cases/${caseIdOf(env, 'OFF-5')}/mark`, {
      as: 'refused',
      reason: 'called: no time',
    });
    expect(refused.body).toEqual({ disposition: { code: '2.11', label: 'Refusal' } });
    const ineligible = await staff.send('post', `/api/staff/cases/${caseIdOf(env, 'OFF-4')}/mark`, {
      as: 'ineligible',
      reason: 'duplicate listing',
    });
    expect(ineligible.body.disposition.code).toBe('4.10');
    const event = env.db
      .prepare("SELECT detail FROM case_events WHERE type = 'marked_refused'")
      .pluck()
      .get() as string;
    expect(JSON.parse(event)).toEqual({ reason: 'called: no time', by: 'field@study.example.org' });
    expect(auditActions(env)).toEqual([
      'field@study.example.org case.mark_refused',
      'field@study.example.org case.mark_ineligible',
    ]);
  });

  it('refuses a refusal for an office that submitted (409), a blank reason (400) and an unknown case (404)', async () => {
    const { env, staff } = await fielded();
    const adams = caseIdOf(env, 'OFF-1');
    const submitted = await staff.send('post', `/api/staff/cases/${adams}/mark`, { as: 'refused', reason: 'x' });
    expect([submitted.status, submitted.body.error.code]).toEqual([409, 'already_submitted']);
    const blank = await staff.send('post', `/api/staff/cases/${adams}/mark`, { as: 'ineligible', reason: '  ' });
    expect(blank.status).toBe(400);
    const missing = await staff.send('post', '/api/staff/cases/999999/mark', { as: 'ineligible', reason: 'x' });
    expect(missing.status).toBe(404);
    expect(auditActions(env)).toEqual([]);
  });
});

describe('contacts', () => {
  it('adds a contact, corrects its email, marks it undeliverable, and reissue gives it a working link', async () => {
    const { env, staff } = await fielded();
    const erie = caseIdOf(env, 'OFF-5');
    const added = await staff.send('post', `/api/staff/cases/${erie}/contacts`, {
      name: 'Pat Doe',
      email: 'Pat@Erie.example.org',
      title: 'First Assistant',
    });
    expect(added.status).toBe(201);
    expect(added.body.contact).toMatchObject({
      name: 'Pat Doe',
      email: 'pat@erie.example.org',
      title: 'First Assistant',
      status: 'active',
      links: [],
    });
    const id = added.body.contact.id;
    const edited = await staff.send('patch', `/api/staff/cases/${erie}/contacts/${id}`, {
      email: 'pdoe@erie.example.org',
    });
    expect(edited.body.contact).toMatchObject({ email: 'pdoe@erie.example.org', name: 'Pat Doe' });
    const bounced = await staff.send('post', `/api/staff/cases/${erie}/contacts/${id}/undeliverable`, {
      reason: 'mailbox full',
    });
    expect(bounced.body.contact.status).toBe('undeliverable');
    const issued = await staff.send('post', `/api/staff/cases/${erie}/contacts/${id}/reissue`).expect(201);
    await request(env.app)
      .get(`/api/respond/${String(issued.body.link.link).split('/s/')[1]}`)
      .expect(200);
    const page = (await staff.get(`/api/staff/cases/${erie}`)).body;
    expect(
      page.contacts.map((c: { email: string; status: string; links: unknown[] }) => [
        c.email,
        c.status,
        c.links.length,
      ]),
    ).toEqual([
      ['contact5@office5.example.org', 'active', 1],
      ['pdoe@erie.example.org', 'undeliverable', 1],
    ]);
    expect(auditActions(env)).toEqual([
      'field@study.example.org contact.add',
      'field@study.example.org contact.edit',
      'field@study.example.org contact.undeliverable',
      'field@study.example.org case.reissue_link',
    ]);
    const edit = env.db.prepare("SELECT detail FROM audit_log WHERE action = 'contact.edit'").pluck().get() as string;
    expect(JSON.parse(edit).changed).toEqual({ email: { from: 'pat@erie.example.org', to: 'pdoe@erie.example.org' } });
  });

  it('makes a case 3.30 when its last address is marked undeliverable, and 3.19 again when a contact is added', async () => {
    const { env, staff } = await fielded();
    const erie = caseIdOf(env, 'OFF-5');
    const disposition = async () => (await staff.get(`/api/staff/cases/${erie}`)).body.case.disposition.code;
    expect(await disposition()).toBe('3.19');
    const only = (await staff.get(`/api/staff/cases/${erie}`)).body.contacts[0].id;
    await staff.send('post', `/api/staff/cases/${erie}/contacts/${only}/undeliverable`, { reason: 'no such mailbox' });
    expect(await disposition()).toBe('3.30');
    const events = env.db.prepare('SELECT type, detail FROM case_events WHERE case_id = ? ORDER BY id').all(erie) as {
      type: string;
      detail: string;
    }[];
    expect(events.slice(-2).map((e) => e.type)).toEqual(['contact_undeliverable', 'undeliverable']);
    expect(JSON.parse(events.at(-2)?.detail ?? '{}')).toEqual({ contact_id: only, reason: 'no such mailbox' });
    await staff.send('post', `/api/staff/cases/${erie}/contacts`, { name: 'Pat Doe', email: 'pat@erie.example.org' });
    expect(await disposition()).toBe('3.19');
  });

  it('refuses an email the office already has (409), an implausible one or an empty edit (400), another office’s contact (404)', async () => {
    const { env, staff } = await fielded();
    const erie = caseIdOf(env, 'OFF-5');
    const taken = await staff.send('post', `/api/staff/cases/${erie}/contacts`, {
      name: 'Again',
      email: 'contact5@office5.example.org',
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'contact_exists']);
    const bad = await staff.send('post', `/api/staff/cases/${erie}/contacts`, { name: 'Bad', email: 'jane@' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toEqual({
      path: 'email',
      message: '"jane@" is not a valid email address',
    });
    const own = (await staff.get(`/api/staff/cases/${erie}`)).body.contacts[0].id;
    expect((await staff.send('patch', `/api/staff/cases/${erie}/contacts/${own}`, {})).status).toBe(400);
    const adams = caseIdOf(env, 'OFF-1');
    const foreign = await staff.send('patch', `/api/staff/cases/${adams}/contacts/${own}`, { name: 'X' });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'contact_not_found']);
    expect(auditActions(env)).toEqual([]);
  });
});
