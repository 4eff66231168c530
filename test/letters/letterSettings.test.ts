import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { binaryBody, seedFielding, tokenOf } from '../support/app.js';
import { bringToStates, LETTER_OFFICES, readPdf } from './setup.js';

const PATH = '/api/staff/fieldings/wave1/letter-settings';

/** The six offices of setup.ts in their states (Cook and Erie get letters), a fieldwork member signed in. */
async function fielded() {
  const env = staffEnv();
  const links = seedFielding(env, { name: 'wave1', rows: LETTER_OFFICES, closesAt: new Date('2027-06-30T23:59:59Z') });
  await bringToStates(env.db, request(env.app), links.map(tokenOf));
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email) };
}

/** The letters' pages as pdftotext reads them, lines trimmed and joined by one space each. */
async function printedPages(staff: Awaited<ReturnType<typeof fielded>>['staff']) {
  const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').buffer(true).parse(binaryBody);
  expect(res.status).toBe(200);
  const pdf = readPdf(res.body as Buffer);
  return {
    pageCount: pdf.pageCount,
    pages: pdf.pages.map((p) =>
      p
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ')
        .replace(/\s+/g, ' '),
    ),
  };
}

const SENDER = {
  senderName: 'Dana Reyes',
  senderTitle: 'Principal Investigator',
  institution: 'Center for Justice Research, State University',
  returnAddress: '210 University Avenue\nSuite 400\nCollege Town, PA 16801',
  phone: '(814) 555-0142',
  signature: 'Dana Reyes, PhD',
};

describe('letter settings: the text and the sender block of a fielding’s letters', () => {
  it('prints by default the deadline and the instrument’s minutes, with no sender block until one is set', async () => {
    const { env, staff } = await fielded();
    const get = await staff.get(PATH).expect(200);
    expect(get.body.settings).toMatchObject({ body: null, senderName: '', institution: '' });
    expect(get.body.defaultBody).toContain('{{deadline}}');
    expect(get.body.fields).toContain('office_name');
    expect(get.body.fields).not.toContain('opt_out_link');

    const { pages } = await printedPages(staff);
    const minutes = env.instruments.get('tip-prosecutor-survey', '1.0.0')?.meta.estimatedMinutes;
    expect(pages[0]).toContain(`The survey takes about ${minutes} minutes.`);
    expect(pages[0]).toContain('Please respond by June 30, 2027.');
    expect(pages[0]).not.toContain('Sincerely,');
  });

  it('prints the saved text with its merge fields filled, the return address, the phone and the signature', async () => {
    const { env, staff } = await fielded();
    const body =
      'Dear {{contact_name}},\n\nWe write to {{office_name}} ({{office_id}}, {{jurisdiction}}) about our study.\n\nPlease answer by {{deadline}}.';
    const saved = await staff.send('put', PATH, { body, ...SENDER });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.settings).toMatchObject({ body, ...SENDER, updatedBy: 'field@study.example.org' });

    const { pages, pageCount } = await printedPages(staff);

    expect(pageCount).toBe(2);
    // Printed by ZIP: Erie (16501) first, Cook (no ZIP) last.
    const erie = pages[0] as string;
    expect(erie).toContain(
      'Center for Justice Research, State University 210 University Avenue Suite 400 College Town, PA 16801 Phone: (814) 555-0142',
    );
    expect(erie).toContain('Dear Ruth Erie,');
    expect(erie).toContain('We write to Erie County DA (OFF-5, County 5) about our study.');
    expect(erie).toContain('Please answer by June 30, 2027.');
    expect(erie).toContain(
      'Sincerely, Dana Reyes, PhD Dana Reyes Principal Investigator Center for Justice Research, State University',
    );
    expect(erie).toContain('Questions? Call (814) 555-0142.');
    expect(erie).not.toContain('{{');
    const audit = env.db.prepare("SELECT actor FROM audit_log WHERE action = 'letters.settings'").pluck().all();
    expect(audit).toEqual(['field@study.example.org']);
  });

  it('refuses an unknown or malformed merge field, or an opt-out link, with line and column, and saves nothing', async () => {
    const { staff } = await fielded();
    const res = await staff.send('put', PATH, {
      body: 'Dear {{contact_nme}},\n\nStop mail: {{opt_out_link}}\n{{ 2x }}',
      ...SENDER,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('template_invalid');
    expect(res.body.error.details.problems).toEqual([
      { part: 'body', line: 4, column: 1, message: expect.stringContaining('is not a merge field') },
      {
        part: 'body',
        line: 1,
        column: 6,
        message: expect.stringMatching(/^Unknown merge field \{\{contact_nme\}\}\. Known fields: /),
      },
      {
        part: 'body',
        line: 3,
        column: 12,
        message: 'A letter has no opt-out link: {{opt_out_link}} is for emails only.',
      },
    ]);
    expect((await staff.get(PATH)).body.settings.body).toBeNull();
  });

  it('refuses a sender field on two lines or too long with 400 naming it', async () => {
    const { staff } = await fielded();
    const twoLines = await staff.send('put', PATH, { body: null, ...SENDER, senderName: 'Dana\nReyes' });
    expect(twoLines.status).toBe(400);
    expect(JSON.stringify(twoLines.body.error)).toContain('senderName');
    const long = await staff.send('put', PATH, { body: null, ...SENDER, phone: '5'.repeat(51) });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body.error)).toContain('phone');
  });
});
