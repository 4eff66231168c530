import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../server/contracts/dispositions.js';
import { DEFAULT_MAIL_SETTINGS } from '../../server/fieldings/repo.js';
import { projectRoot } from '../../server/platform/paths.js';
import { workspace } from '../cli/workspace.js';
import { frameCsv, frameRow } from '../factories/frame.js';

const README = readFileSync(path.join(projectRoot, 'README.md'), 'utf8').replace(/\s+/g, ' ');

/** Where a disposition code first stands alone in the README (not inside "1.1.0"; "3.30." ends a sentence), or -1. */
const firstUse = (code: string) => README.search(new RegExp(`(?<![\\d.])${code.replace('.', '\\.')}(?!\\.?\\d)`));

describe('README.md says what users meet', () => {
  it('explains the AAPOR disposition codes where they first appear, each with its meaning beside it', () => {
    const codes = Object.values(DISPOSITIONS);
    for (const { code } of codes) expect(firstUse(code), `${code} is in the README`).toBeGreaterThan(-1);
    const first = Math.min(...codes.map((d) => firstUse(d.code)));
    // The first code a reader meets comes with what such codes are.
    expect(README.slice(Math.max(0, first - 150), first)).toMatch(/AAPOR/);
    for (const { code, label } of codes) {
      const at = firstUse(code);
      expect(at, `${code} is in the README`).toBeGreaterThan(-1);
      const near = README.slice(Math.max(0, at - 60), at + 60).toLowerCase();
      const word = (label.split(' ')[0] as string).toLowerCase();
      expect(near, `${code} (${label}) where it first appears`).toContain(word);
    }
  });

  it('says that reminders and thank-yous are off until they are turned on, as the defaults are', () => {
    expect(DEFAULT_MAIL_SETTINGS.remindersEnabled).toBe(false);
    expect(DEFAULT_MAIL_SETTINGS.thankYouEnabled).toBe(false);
    expect(README.includes('Reminders and thank-yous are off until'), 'the README says they are off').toBe(true);
  });

  it('gives the exit codes of frame check, the ones the command returns', async () => {
    const sentence =
      /`frame check` exits with (\d) when the frame can be imported as it is and (\d) when it has problems or cannot be read/.exec(
        README,
      );
    expect(sentence, 'the README states the exit codes of frame check').not.toBeNull();
    const ws = workspace();
    const good = ws.writeFrame('good.csv', frameCsv([frameRow(1)]));
    const bad = ws.writeFrame('bad.csv', frameCsv([frameRow(1, { population: '1,200' })]));
    expect(String((await ws.run('frame', 'check', good)).code)).toBe(sentence?.[1]);
    expect(String((await ws.run('frame', 'check', bad)).code)).toBe(sentence?.[2]);
    expect(String((await ws.run('frame', 'check', 'missing.csv')).code)).toBe(sentence?.[2]);
  });
});
