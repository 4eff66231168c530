import { randomInt } from 'node:crypto';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { mulberry32 } from '../factories/random.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, startBrowserHarness } from './harness.js';
import { choose, fillItems, next, questionShown, rateRows, tick, titleOf, typeNumber, WAIT } from './phase1Driver.js';

/*
 * Issue 6, item 9: no answer is lost on a slow network. Every respondent API call waits 100–1500 ms
 * (split at random between the way to the server and the way back, so requests can arrive and
 * replies can return out of order) while a person answers quickly, goes back to change answers and
 * reloads the page once while a save is still on its way. The delays come from a seeded generator:
 * the seed is in every failure message, and SLOWNET_SEED=<seed> replays the same delays.
 */

const seed = process.env.SLOWNET_SEED ? Number(process.env.SLOWNET_SEED) : randomInt(2 ** 31);
const MIN_DELAY_MS = 100;
const MAX_DELAY_MS = 1500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type DraftBody = { answers: Record<string, unknown>; page: number; revision: number };

/** Routes the respondent API through random delays and keeps count of what is on its way. */
async function slowDown(page: Page, random: () => number) {
  const network = { requests: 0, draftsOnTheWay: [] as DraftBody[], repliesLost: 0 };
  await page.route('**/api/respond/**', async (route: Route) => {
    const total = MIN_DELAY_MS + Math.floor(random() * (MAX_DELAY_MS - MIN_DELAY_MS + 1));
    const there = Math.floor(total * random());
    const request = route.request();
    network.requests += 1;
    const draft = request.method() === 'PUT' ? (request.postDataJSON() as DraftBody) : undefined;
    if (draft) network.draftsOnTheWay.push(draft);
    try {
      await sleep(there);
      // The request reaches the server even when the page that sent it is gone, as a keepalive
      // request does; only the reply is then lost.
      const response = await route.fetch();
      await sleep(total - there);
      await route.fulfill({ response });
    } catch {
      network.repliesLost += 1;
    } finally {
      if (draft) network.draftsOnTheWay.splice(network.draftsOnTheWay.indexOf(draft), 1);
    }
  });
  return network;
}

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => {
  await h?.close();
});

type Stored = { case_id: number; status: string; answers: string };
function storedFor(fielding: string): Stored {
  const row = h.env.db
    .prepare(
      `SELECT r.case_id, r.status, r.answers FROM responses r
       JOIN cases c ON c.id = r.case_id JOIN fieldings f ON f.id = c.fielding_id WHERE f.name = ?`,
    )
    .get(fielding) as Stored | undefined;
  if (!row) throw new Error(`no response stored for ${fielding}`);
  return row;
}
const eventsOf = (caseId: number) =>
  h.env.db.prepare('SELECT type FROM case_events WHERE case_id = ? ORDER BY id').pluck().all(caseId) as string[];

const textbox = (page: Page, name: string) => page.getByRole('textbox', { name: titleOf(name), exact: true });
const previous = (page: Page) => page.getByRole('button', { name: 'Previous', exact: true }).click(WAIT);

/** Key by key, a person types faster than a slow save returns. */
const typeQuickly = (page: Page, name: string, text: string) =>
  textbox(page, name).pressSequentially(text, { delay: 25 });

describe('respondent on a slow network', { timeout: 180_000 }, () => {
  it(`stores exactly the answers entered, across out-of-order saves, a Back and a reload mid-typing (seed ${seed})`, async () => {
    const where = `slow network, SLOWNET_SEED=${seed}`;
    const [link] = seedFielding(h.env, { name: 'slow-network', rows: [frameRow(801, { population: '480000' })] });
    if (!link) throw new Error('no link issued');
    const context = await h.browser.newContext();
    const page = await context.newPage();
    const network = await slowDown(page, mulberry32(seed));
    try {
      await page.goto(`${h.baseUrl}/s/${tokenOf(link)}`);
      await questionShown(page, 'consent');
      // The frame prefilled these before the person typed anything; they are part of the answers.
      const prefilled = JSON.parse(storedFor('slow-network').answers) as Record<string, unknown>;
      expect(Object.keys(prefilled).sort(), where).toEqual(['a3_state', 'a5_pop']);

      await choose(page, 'consent', 1);
      await next(page, 'sec_a');
      await choose(page, 'a1_role', 2);
      await typeNumber(page, 'a2_years', 12);
      await choose(page, 'a4_jurtype', 1);
      await fillItems(page, 'a6_staff', { attorneys: 80, investigators: 12 });
      await tick(page, 'a7_unit', 1, 3);
      await choose(page, 'a8_vertical', 1);
      await next(page, 'sec_b1');

      await rateRows(page, 'b1_law', { 1: 1, 2: 2 });
      await choose(page, 'b2_anycase', 2);
      await questionShown(page, 'b5_nocase');
      await tick(page, 'b5_nocase', 1, 2);
      await next(page, 'sec_b2');

      // Back a page to change answers given there, then forward again.
      await tick(page, 'b6_altchg', 1, 9);
      await previous(page);
      await questionShown(page, 'b5_nocase');
      await rateRows(page, 'b1_law', { 2: 1 });
      await tick(page, 'b5_nocase', 3);
      await next(page, 'sec_b2');

      // Typing pauses long enough for a save to leave; the next words are typed while that save is
      // still on its way, and the page is reloaded at once. A save that came back quickly means one
      // more word and one more try.
      await questionShown(page, 'b6_altchg_oth');
      let typed = '';
      let reloaded = false;
      for (const word of ['Witness', ' tampering', ' and', ' threats', ' by', ' phone']) {
        await typeQuickly(page, 'b6_altchg_oth', word);
        typed += word;
        if (typed !== word && network.draftsOnTheWay.length > 0) {
          await page.reload();
          reloaded = true;
          break;
        }
        await expect
          .poll(() => network.draftsOnTheWay.some((draft) => draft.answers.b6_altchg_oth === typed), WAIT)
          .toBe(true);
      }
      expect(reloaded, `${where}: every save came back before the next word was typed`).toBe(true);

      // The person sees everything typed before the reload, and goes on from there.
      await questionShown(page, 'b6_altchg_oth');
      await expect.poll(() => textbox(page, 'b6_altchg_oth').inputValue(), { ...WAIT, message: where }).toBe(typed);
      await textbox(page, 'b6_altchg_oth').press('End');
      await typeQuickly(page, 'b6_altchg_oth', ' of a minor');
      typed += ' of a minor';
      await rateRows(page, 'b7_altwhy', { 1: 3 });
      await choose(page, 'b8_federal', 3);
      await next(page, 'sec_c1');

      await tick(page, 'c2_screen', 1, 2);
      await tick(page, 'c3_taskforce', 1);
      // Back three pages to correct answers about the office, then straight on.
      await previous(page);
      await questionShown(page, 'b6_altchg');
      await previous(page);
      await questionShown(page, 'b2_anycase');
      await previous(page);
      await questionShown(page, 'a2_years');
      await typeNumber(page, 'a2_years', 15);
      await choose(page, 'a8_vertical', 2);
      await next(page, 'sec_b1');
      await next(page, 'sec_b2');
      await next(page, 'sec_c1');
      await next(page, 'sec_c2');

      await tick(page, 'c4_evidence', 1);
      await next(page, 'sec_d');
      await choose(page, 'd1_protocol', 1);
      await next(page, 'sec_e');
      await choose(page, 'e1_buyers', 2);
      await choose(page, 'e4_change', 2);
      await next(page, 'sec_f');
      await tick(page, 'f1_training', 1);
      await typeQuickly(page, 'f3_practice', 'Weekly review with the advocate');
      await choose(page, 'f4_followup', 1);
      // Complete at once, while the last answers' saves are still on their way.
      await page.getByRole('button', { name: 'Complete', exact: true }).click(WAIT);
      await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 20_000 });

      // Nobody else used the link, so nobody's answer was "replaced".
      await expect(page.getByText('A colleague changed some of the same answers').count(), where).resolves.toBe(0);

      const stored = storedFor('slow-network');
      expect(stored.status, where).toBe('completed');
      expect(
        eventsOf(stored.case_id).filter((type) => type === 'completed'),
        where,
      ).toEqual(['completed']);
      expect(JSON.parse(stored.answers), where).toStrictEqual({
        ...prefilled,
        consent: 1,
        a1_role: 2,
        a2_years: 15,
        a4_jurtype: 1,
        a6_staff: { attorneys: 80, investigators: 12 },
        a7_unit: [1, 3],
        a8_vertical: 2,
        b1_law: { '1': 1, '2': 1 },
        b2_anycase: 2,
        b5_nocase: [1, 2, 3],
        b6_altchg: [1, 9],
        b6_altchg_oth: typed,
        b7_altwhy: { '1': 3 },
        b8_federal: 3,
        c2_screen: [1, 2],
        c3_taskforce: [1],
        c4_evidence: [1],
        d1_protocol: 1,
        e1_buyers: 2,
        e4_change: 2,
        f1_training: [1],
        f3_practice: 'Weekly review with the advocate',
        f4_followup: 1,
      });
    } catch (error) {
      if (error instanceof Error) error.message = `[SLOWNET_SEED=${seed}] ${error.message}`;
      throw error;
    } finally {
      await context.close();
    }
  });
});
