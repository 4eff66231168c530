import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fieldedPilot } from '../exports/pilot.js';
import { twoVersionFielding } from '../exports/twoVersions.js';
import { CHROMIUM, CHROMIUM_ARGS, expectNoAxeViolations } from './harness.js';

describe("an export's codebook.html in Chromium", () => {
  it('shows every variable with its frequencies, with 0 axe violations', async () => {
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'codebook');
    const file = ws.file('export/codebook.html');
    const codebook = JSON.parse(readFileSync(ws.file('export/codebook.json'), 'utf8'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`file://${file}`);

      // One row per question variable and per column the export adds (metadata, weights, flags); a
      // grid's or a multi-select's heading row and the frequency tables inside the rows are not variables.
      const variableRows = page.locator('table.variables > tbody > tr:not(.group)');
      expect(await variableRows.count()).toBe(codebook.variables.length + codebook.exportColumns.length);
      expect(await variableRows.filter({ hasText: 'flag_out_of_range' }).count()).toBe(1);
      expect(await page.locator('thead th', { hasText: 'Frequencies and statistics' }).count()).toBeGreaterThan(0);
      // Both rows (a submission and a partial) chose a1_role 1: n 2, 100%.
      const role = variableRows.filter({ has: page.locator('th code', { hasText: /^a1_role$/ }) });
      expect(await role.locator('ul.freq li').first().textContent()).toMatch(
        /^1 Chief or elected prosecutor: n 2, 100 %, valid 100 %/,
      );
      await expectNoAxeViolations(page, 'codebook.html');
    } finally {
      await browser.close();
    }
    // axe alone takes about 7 s over the codebook (its color-contrast rule, cell by cell) on an idle
    // machine, and twice that under load.
  }, 60_000);

  it('of a fielding answered on two versions, says which versions ask each variable, with 0 axe violations', async () => {
    const { ws } = await twoVersionFielding();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'codebook');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`file://${ws.file('export/codebook.html')}`);

      expect(await page.locator('thead th', { hasText: 'In versions' }).count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page, 'codebook.html of two versions');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
