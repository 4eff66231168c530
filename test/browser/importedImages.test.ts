import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentRegistry, loadInstrumentFile } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { workspace } from '../cli/workspace.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { type BrowserHarness, startBrowserHarness } from './harness.js';

/**
 * An image picker made for a host app: its images beside the survey file, SurveyJS's buttons
 * hidden. Imported, it must be answerable and submittable in the respondent app.
 */
const FIXTURE = path.join(projectRoot, 'test', 'fixtures', 'instruments', 'import', 'images.json');

let h: BrowserHarness;
beforeAll(async () => {
  const ws = workspace({}, (undo) => afterAll(undo));
  const imported = await ws.run('instruments', 'import', FIXTURE, '--id', 'images', '--out', 'images.json');
  if (imported.code !== 0) throw new Error(imported.err);
  h = await startBrowserHarness({
    instruments: createInstrumentRegistry([loadInstrumentFile(ws.file('images.json'))]),
  });
});
afterAll(async () => {
  await h?.close();
});

describe('an imported image picker in Chromium', { timeout: 120_000 }, () => {
  it('shows the copied images, lets the respondent pick one and submit despite showNavigationButtons "none"', async () => {
    const [link] = seedFielding(h.env, { instrument: 'images' });
    const page = await (await h.browser.newContext()).newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${h.baseUrl}/s/${tokenOf(link as NonNullable<typeof link>)}`);
    const images = page.locator('img[src^="data:image/png"]');
    await expect.poll(() => images.count(), { timeout: 15_000 }).toBe(2);
    // SurveyJS disables a choice whose image did not load: both must have loaded.
    await expect
      .poll(() => images.evaluateAll((list) => list.map((i) => (i as HTMLImageElement).naturalWidth)))
      .toEqual([8, 8]);
    const courthouse = page.getByRole('radio', { name: 'In the courthouse' });
    expect(await courthouse.isDisabled()).toBe(false);
    await courthouse.locator('xpath=ancestor::label[1]').click();
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 15_000 });
    const stored = h.env.db.prepare('SELECT answers FROM responses').pluck().get() as string;
    expect(JSON.parse(stored)).toEqual({ building: 'courthouse' });
    expect(blocked).toEqual([]);
    await page.context().close();
  });
});
