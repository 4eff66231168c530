import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { binaryBody, seedFielding, type TestEnv, tokenOf } from '../support/app.js';
import { bringToStates, eventsOfType, LETTER_OFFICES, OPEN_OFFICES, PRINTED_CODE, readPdf } from './setup.js';

/** The six offices of setup.ts in their states, and a fieldwork member signed in. */
async function fielded(env: TestEnv = staffEnv()) {
  const links = seedFielding(env, { name: 'wave1', rows: LETTER_OFFICES });
  await bringToStates(env.db, request(env.app), links.map(tokenOf));
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email) };
}

describe('POST /api/staff/fieldings/:name/letters', () => {
  it('answers a PDF download with one page per open office: its address, the short URL and a new access code', async () => {
    const { staff } = await fielded();

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').buffer(true).parse(binaryBody);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename=wave1-letters-2027-02-01.pdf');
    expect(JSON.parse(res.headers['x-fieldkit-letters'] as string)).toEqual({
      letters: 2,
      skipped: { completed: 1, refused: 1, ineligible: 1, noContact: 1 },
      summary: '2 letters; skipped 1 completed, 1 refused, 1 ineligible, 1 with no active contact',
    });
    const pdf = readPdf(res.body as Buffer);
    expect(pdf.pageCount).toBe(2);
    expect(pdf.pages).toHaveLength(2);
    expect(pdf.info).toMatch(/^Title:\s+Letters: .+ \(wave1\)$/m);
    expect(pdf.info).toMatch(/^Tagged:\s+yes$/m);
    // Printed by ZIP (the default): Erie with its full address block, then Cook, which has no ZIP.
    expect(pdf.pages[1]).toContain('Cook County State’s Attorney');
    expect(pdf.pages[1]).toContain('Dear Kim Cook,');
    const erie = (pdf.pages[0] as string).split('\n').map((l) => l.trim());
    expect(erie).toEqual(
      expect.arrayContaining([
        'February 1, 2027',
        'Control no. OFF-5',
        'Ruth Erie',
        'District Attorney',
        'Erie County DA',
        '140 West 6th Street',
        'Room 506',
        'Erie, PA 16501',
      ]),
    );
    for (const page of pdf.pages) {
      expect(page).toContain('http://fieldkit.test/code');
      expect(page.match(PRINTED_CODE)).toHaveLength(1);
    }
    for (const name of ['Adams', 'Baker', 'Dade', 'Fayette']) expect(pdf.pages.join('')).not.toContain(name);
  });

  it('prints codes that open each office’s own case at the code page', async () => {
    const { env, staff } = await fielded();
    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').buffer(true).parse(binaryBody);
    const pages = readPdf(res.body as Buffer).pages;

    const opened: string[] = [];
    for (const page of pages) {
      const code = page.match(PRINTED_CODE)?.[0] as string;
      const entered = await request(env.app).post('/api/access-code').send({ code });
      expect(entered.status, code).toBe(200);
      const survey = await request(env.app).get(`/api/respond/${entered.body.credential}`);
      expect(survey.status).toBe(200);
      expect(page).toContain(survey.body.office.name);
      opened.push(survey.body.office.name);
    }
    expect(opened).toEqual(OPEN_OFFICES);
  });

  it('records each code as issued for a letter to the office’s first active contact, and the batch in the audit log', async () => {
    const { env, staff } = await fielded();
    const before = eventsOfType(env.db, 'token_issued').length;

    await staff.send('post', '/api/staff/fieldings/wave1/letters').expect(200);

    const issued = eventsOfType(env.db, 'token_issued').slice(before);
    const contactOf = env.db.prepare(
      'SELECT k.name FROM tokens t JOIN contacts k ON k.id = t.contact_id WHERE t.id = ?',
    );
    expect(issued.map((e) => [e.detail.purpose, contactOf.pluck().get(e.token_id)])).toEqual([
      ['letter', 'Ruth Erie'],
      ['letter', 'Kim Cook'],
    ]);
    for (const e of issued) expect(e.detail).toEqual({ contact_id: expect.any(Number), purpose: 'letter' });
    const audit = env.db.prepare("SELECT actor, fielding, detail FROM audit_log WHERE action = 'letters.issue'").all();
    expect(audit).toEqual([
      {
        actor: 'field@study.example.org',
        fielding: 'wave1',
        detail: JSON.stringify({ letters: 2, skipped: { completed: 1, refused: 1, ineligible: 1, noContact: 1 } }),
      },
    ]);
  });

  it('addresses a second active contact when the first became undeliverable', async () => {
    const env = staffEnv();
    seedFielding(env, { name: 'wave1', rows: LETTER_OFFICES.slice(4, 5) });
    const office = env.db.prepare('SELECT id FROM offices').pluck().get() as number;
    env.db
      .prepare(
        "INSERT INTO contacts (office_id, name, email, status, created_at, updated_at) VALUES (?, 'Sam Second', 'sam@erie.example.org', 'active', '', '')",
      )
      .run(office);
    env.db.prepare("UPDATE contacts SET status = 'undeliverable' WHERE name = 'Ruth Erie'").run();
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').buffer(true).parse(binaryBody);

    expect(readPdf(res.body as Buffer).pages[0]).toContain('Dear Sam Second,');
  });

  it('answers 409 and issues nothing when no office is owed a letter', async () => {
    const env = staffEnv();
    seedFielding(env, { name: 'wave1', rows: LETTER_OFFICES.slice(5) });
    env.db.prepare("UPDATE contacts SET status = 'opted_out'").run();
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);
    const tokens = () => env.db.prepare('SELECT count(*) FROM tokens').pluck().get();
    const before = tokens();

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters');

    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'no_letters' });
    expect(res.body.error.message).toContain(
      '0 letters; skipped 0 completed, 0 refused, 0 ineligible, 1 with no active contact',
    );
    expect(tokens()).toBe(before);
  });

  it('writes to no office that declined, even after saving most of its answers', async () => {
    const env = staffEnv();
    const [link] = seedFielding(env, { name: 'wave1', rows: LETTER_OFFICES.slice(2, 3) });
    const token = tokenOf(link as NonNullable<typeof link>);
    await request(env.app)
      .put(`/api/respond/${token}/draft`)
      .send({ answers: chargedOfficeAnswers(), page: 3, revision: 0 })
      .expect(200);
    await request(env.app).post(`/api/respond/${token}/decline`).send({}).expect(200);
    const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
    const staff = await signIn(env, email);

    // Its answers keep it a partial (1.2), not a refusal (2.11): the log's refusal is what counts.
    const listed = await staff.get('/api/staff/fieldings/wave1/cases').expect(200);
    expect(listed.body.cases[0].disposition.code).toBe('1.2');

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters');

    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('0 letters; skipped 0 completed, 1 refused, 0 ineligible');
  });

  it('answers 404 for an unknown fielding and 403 to an analyst', async () => {
    const { env, staff } = await fielded();
    await staff.send('post', '/api/staff/fieldings/nope/letters').expect(404);
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const analyst = await signIn(env, email);
    const res = await analyst.send('post', '/api/staff/fieldings/wave1/letters');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});
