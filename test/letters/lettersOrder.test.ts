import { describe, expect, it } from 'vitest';
import { addMember, signIn, staffEnv } from '../staff/setup.js';
import { binaryBody, seedFielding } from '../support/app.js';
import { controlNumbers, MAILING_OFFICES, MAILING_ORDERS, readPdf } from './setup.js';

/** The six offices of MAILING_OFFICES fielded as wave1, all open, and a fieldwork member signed in. */
async function fielded() {
  const env = staffEnv();
  seedFielding(env, { name: 'wave1', rows: MAILING_OFFICES });
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email) };
}

describe('POST /api/staff/fieldings/:name/letters (mail room)', () => {
  it('prints the office ID as a control number on every letter, on that office’s page', async () => {
    const { staff } = await fielded();

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').buffer(true).parse(binaryBody);

    expect(res.status).toBe(200);
    const { pages } = readPdf(res.body as Buffer);
    expect(pages).toHaveLength(MAILING_OFFICES.length);
    for (const page of pages) {
      const control = controlNumbers([page])[0];
      const office = MAILING_OFFICES.find((row) => row.office_id === control);
      expect(office, page).toBeDefined();
      expect(page).toContain(office?.office_name);
      expect(page.match(/Control no\./g)).toHaveLength(1);
    }
  });

  it.each(Object.entries(MAILING_ORDERS))(
    'prints the letters in %s order, ties and offices without a ZIP by office ID',
    async (order, officeIds) => {
      const { env, staff } = await fielded();

      const res = await staff
        .send('post', '/api/staff/fieldings/wave1/letters')
        .send({ order })
        .buffer(true)
        .parse(binaryBody);

      expect(res.status).toBe(200);
      expect(controlNumbers(readPdf(res.body as Buffer).pages)).toEqual(officeIds);
      // The codes are issued in the order they are printed, so the case logs read like the pile.
      const issuedTo = env.db
        .prepare(
          `SELECT o.office_id FROM case_events e JOIN cases c ON c.id = e.case_id JOIN offices o ON o.id = c.office_id
           WHERE e.type = 'token_issued' AND e.detail LIKE '%"letter"%' ORDER BY e.id`,
        )
        .pluck()
        .all();
      expect(issuedTo).toEqual(officeIds);
    },
  );

  it('prints in ZIP order, as bulk mail wants, when no order is given', async () => {
    const { staff } = await fielded();

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').buffer(true).parse(binaryBody);

    expect(controlNumbers(readPdf(res.body as Buffer).pages)).toEqual(MAILING_ORDERS.zip);
  });

  it('answers 400 naming the order for an unknown one, and issues nothing', async () => {
    const { env, staff } = await fielded();
    const tokens = () => env.db.prepare('SELECT count(*) FROM tokens').pluck().get();
    const before = tokens();

    const res = await staff.send('post', '/api/staff/fieldings/wave1/letters').send({ order: 'name' });

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('order');
    expect(tokens()).toBe(before);
  });
});
