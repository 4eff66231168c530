import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameCsv } from '../factories/frame.js';
import { controlNumbers, MAILING_OFFICES, MAILING_ORDERS, readPdf } from '../letters/setup.js';
import { runCreate, workspace } from './workspace.js';

/** The six open offices of MAILING_OFFICES fielded by the CLI as "pilot". */
async function fielded() {
  const ws = workspace();
  const created = await runCreate(ws, ws.writeFrame('frame.csv', frameCsv(MAILING_OFFICES)));
  expect(created.code, created.err).toBe(0);
  return ws;
}

const printedOrder = (ws: ReturnType<typeof workspace>) =>
  controlNumbers(readPdf(readFileSync(ws.file('letters.pdf'))).pages);

describe('fieldkit letters --order', () => {
  it('prints the letters by ZIP, offices without one last by office ID, when no order is given', async () => {
    const ws = await fielded();

    const result = await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.pdf');

    expect(result.code, result.err).toBe(0);
    expect(printedOrder(ws)).toEqual(MAILING_ORDERS.zip);
  });

  it.each(Object.entries(MAILING_ORDERS))('prints the letters in %s order with --order', async (order, officeIds) => {
    const ws = await fielded();

    const result = await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.pdf', '--order', order);

    expect(result.code, result.err).toBe(0);
    expect(printedOrder(ws)).toEqual(officeIds);
  });

  it('names the orders it knows for an unknown one, and issues nothing', async () => {
    const ws = await fielded();

    const result = await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.pdf', '--order', 'name');

    expect(result).toMatchObject({ code: 2, err: 'fieldkit: --order must be zip, office or state.' });
    const letterCodes = ws
      .database()
      .prepare(`SELECT count(*) FROM case_events WHERE type = 'token_issued' AND detail LIKE '%"letter"%'`)
      .pluck()
      .get();
    expect(letterCodes).toBe(0);
  });
});
