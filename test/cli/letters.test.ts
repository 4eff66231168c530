import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frameCsv } from '../factories/frame.js';
import { bringToStates, eventsOfType, LETTER_OFFICES, OPEN_OFFICES, PRINTED_CODE, readPdf } from '../letters/setup.js';
import { PUBLIC_URL, runCreate, tokenOfLink, workspace } from './workspace.js';

/** The six offices of test/letters/setup.ts fielded by the CLI, in their states. */
async function fielded() {
  const ws = workspace();
  const frame = ws.writeFrame('frame.csv', frameCsv(LETTER_OFFICES));
  const created = await runCreate(ws, frame);
  expect(created.code, created.err).toBe(0);
  const links = ws.readLinks('links.csv');
  await bringToStates(
    ws.database(),
    ws.api(),
    links.map((l) => tokenOfLink(l.link)),
  );
  return ws;
}

describe('fieldkit letters', () => {
  it('writes one page per open office and says how many it skipped and why', async () => {
    const ws = await fielded();

    const result = await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.pdf');

    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(
      /^2 letters; skipped 1 completed, 1 refused, 1 ineligible, 1 with no active contact\.\nWrote letters\.pdf/,
    );
    const pdf = readPdf(readFileSync(ws.file('letters.pdf')));
    expect(pdf.pageCount).toBe(2);
    expect(OPEN_OFFICES.map((name, i) => pdf.pages[i]?.includes(name))).toEqual([true, true]);
    for (const page of pdf.pages) expect(page).toContain(`${PUBLIC_URL}/code`);
    expect(existsSync(ws.file('letters.pdf.part'))).toBe(false);
  });

  it('prints codes that work at the code page, recorded as issued for letters', async () => {
    const ws = await fielded();
    await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.pdf');
    const { pages } = readPdf(readFileSync(ws.file('letters.pdf')));
    const api = ws.api();

    for (const page of pages) {
      const code = page.match(PRINTED_CODE)?.[0] as string;
      const entered = await api.post('/api/access-code').send({ code }).expect(200);
      const survey = await api.get(`/api/respond/${entered.body.credential}`).expect(200);
      expect(page).toContain(survey.body.office.name);
    }
    const db = ws.database();
    expect(eventsOfType(db, 'token_issued').filter((e) => e.detail.purpose === 'letter')).toHaveLength(2);
    const audit = db.prepare("SELECT fielding, detail FROM audit_log WHERE action = 'letters.issue'").all();
    expect(audit).toEqual([
      {
        fielding: 'pilot',
        detail: JSON.stringify({ letters: 2, skipped: { completed: 1, refused: 1, ineligible: 1, noContact: 1 } }),
      },
    ]);
  });

  it('writes the PDF readable by its owner only, as links files are, since it holds live access codes', async () => {
    const ws = await fielded();
    // A stale partial file from an interrupted run must not lend its wider mode to the letters.
    writeFileSync(ws.file('letters.pdf.part'), 'stale', { mode: 0o644 });

    const result = await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.pdf');

    expect(result.code, result.err).toBe(0);
    expect((statSync(ws.file('letters.pdf')).mode & 0o777).toString(8)).toBe('600');
  });

  it('draws a progress bar on a terminal', async () => {
    const ws = await fielded();
    const result = await ws.runOnTerminal('letters', '--fielding', 'pilot', '--out', 'letters.pdf');
    expect(result.progress.join('')).toContain('letters 2/2');
  });

  it('names what is wrong with the call', async () => {
    const ws = await fielded();
    expect(await ws.run('letters', '--fielding', 'pilot')).toMatchObject({ code: 2, err: 'fieldkit: Missing --out.' });
    expect(await ws.run('letters', '--fielding', 'pilot', '--out', 'letters.txt')).toMatchObject({
      code: 2,
      err: 'fieldkit: --out must name a .pdf file.',
    });
    expect(await ws.run('letters', '--fielding', 'nope', '--out', 'letters.pdf')).toMatchObject({
      code: 1,
      err: 'fieldkit: No fielding named "nope".',
    });
  });
});
