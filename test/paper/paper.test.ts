import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { loadInstrumentFile } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { workspace } from '../cli/workspace.js';

const PHASE_ONE = path.join(projectRoot, 'instruments', 'tip-prosecutor-survey.json');
/** Chromium starts and prints in a few seconds here; on a loaded machine it may take several times that. */
const PRINTING = 90_000;

/** pdftotext's reading of a PDF with line breaks undone, so sentences can be found whole. */
function pdfText(file: string): string {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })
    .replace(/-\n(?=\S)/g, '-')
    .replace(/\s+/g, ' ');
}

const pdfPages = (file: string) =>
  Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);

type Element = { type: string; name: string; title?: string; elements?: Element[]; choices?: unknown[] };
const questionsOf = (file: string): Element[] => {
  const survey = JSON.parse(readFileSync(file, 'utf8')).survey as { pages: { elements?: Element[] }[] };
  const all: Element[] = [];
  const walk = (els: Element[] = []) => {
    for (const e of els) {
      if (e.type === 'panel') walk(e.elements);
      else if (e.type !== 'html') all.push(e);
    }
  };
  for (const page of survey.pages) walk(page.elements);
  return all;
};

/** A small instrument of this test's own, nothing like the study's, with conditions on two questions. */
function petCensus(mode: 'self' | 'interviewer') {
  return {
    meta: { id: 'pet-census', version: '1', title: 'Household Pet Census', mode },
    survey: {
      pages: [
        {
          name: 'pets_page',
          title: 'Your pets',
          elements: [
            {
              type: 'radiogroup',
              name: 'pets',
              title: 'Do you have any pets?',
              choices: [
                { value: 1, text: 'Yes' },
                { value: 2, text: 'No' },
              ],
            },
            {
              type: 'checkbox',
              name: 'kinds',
              title: 'Which kinds of pets do you have?',
              visibleIf: '{pets} = 1',
              choices: [
                { value: 1, text: 'Cat' },
                { value: 2, text: 'Dog' },
                { value: 3, text: 'Bird' },
              ],
            },
            {
              type: 'text',
              name: 'howmany',
              title: 'How many pets live with you?',
              inputType: 'number',
              min: 1,
              max: 50,
              visibleIf: '{pets} = 1',
            },
            {
              type: 'matrix',
              name: 'care',
              title: 'How often does someone in the household do each of these?',
              columns: [
                { value: 1, text: 'Daily' },
                { value: 2, text: 'Weekly' },
                { value: 3, text: 'Never' },
              ],
              rows: [
                { value: 1, text: 'Feed an animal' },
                { value: 2, text: 'Visit a vet' },
              ],
            },
            { type: 'comment', name: 'notes', title: 'Anything else you would like to tell us?' },
          ],
        },
      ],
    },
  };
}

describe('fieldkit instruments print', () => {
  it(
    'prints the Phase I survey with every question, its choices, and its skip instructions in the codebook’s words',
    async () => {
      const ws = workspace();

      const result = await ws.run('instruments', 'print', 'tip-prosecutor-survey', '--out', 'paper.pdf');

      expect(result.code, result.err).toBe(0);
      expect(result.out).toMatch(
        /^Paper copy of tip-prosecutor-survey@1\.0\.0 \(39 questions, \d+ pages\) written to paper\.pdf\.$/,
      );
      const text = pdfText(ws.file('paper.pdf'));
      expect(pdfPages(ws.file('paper.pdf'))).toBeGreaterThan(5);
      for (const q of questionsOf(PHASE_ONE)) expect(text, q.name).toContain(q.title?.replace(/\s+/g, ' '));
      for (const label of [
        'Yes, I agree to take part',
        'Line prosecutor',
        'District of Columbia',
        'Labor trafficking',
      ]) {
        expect(text).toContain(`☐ ${label}`);
      }
      // The codebook reads a1_role_oth's conditions as "<its section's> and <its own>"; paper states each.
      const codebook = buildCodebook(loadInstrumentFile(PHASE_ONE));
      const condition = codebook.variables.find((v) => v.question === 'a1_role_oth')?.condition as string;
      const [section, own] = condition.split(' and ');
      expect(own).toBe('a1_role = 6 ("Other (please specify)")');
      expect(text).toContain(`If ${own}, answer this question; otherwise skip to question 4.`);
      expect(text).toContain(
        `If ${section}, answer the questions of this section; otherwise go to the end of the questionnaire.`,
      );
    },
    PRINTING,
  );

  it(
    'prints any instrument file: a made-up one states its conditions in words and skips to the right question',
    async () => {
      const ws = workspace();
      writeFileSync(ws.file('pets.json'), JSON.stringify(petCensus('self')));

      const result = await ws.run('instruments', 'print', 'pets.json', '--out', 'pets.pdf');

      expect(result.code, result.err).toBe(0);
      const text = pdfText(ws.file('pets.pdf'));
      const codebook = buildCodebook(loadInstrumentFile(ws.file('pets.json')));
      const condition = codebook.variables.find((v) => v.question === 'kinds')?.condition;
      expect(condition).toBe('pets = 1 ("Yes")');
      // Both conditional questions skip past the other to the grid, question 4.
      expect(text).toContain(
        'If pets = 1 ("Yes"), answer this question; otherwise skip to question 4. 2. Which kinds of pets do you have?',
      );
      expect(text).toContain(
        'If pets = 1 ("Yes"), answer this question; otherwise skip to question 4. 3. How many pets live with you?',
      );
      expect(text).toContain('☐ Cat ☐ Dog ☐ Bird');
      expect(text).toContain('(whole number, 1 to 50)');
      expect(text).toMatch(/Daily Weekly Never Feed an animal ☐ ☐ ☐ Visit a vet ☐ ☐ ☐/);
      expect(text).toContain('5. Anything else you would like to tell us?');
    },
    PRINTING,
  );

  it('says “Ask only if” to an interviewer, and writes HTML to print from a browser', async () => {
    const ws = workspace();
    writeFileSync(ws.file('pets.json'), JSON.stringify(petCensus('interviewer')));

    const result = await ws.run('instruments', 'print', 'pets.json', '--out', 'pets.html');

    expect(result).toMatchObject({ code: 0, out: 'Paper copy of pet-census@1 (5 questions) written to pets.html.' });
    const html = readFileSync(ws.file('pets.html'), 'utf8');
    expect(html.match(/Ask only if pets = 1 \(&quot;Yes&quot;\)\./g)).toHaveLength(2);
    expect(html).toContain('@media print');
    expect(html).not.toContain('<script');
  });

  it('prints only what fits paper: no autosave, device or “filled in from our records” sentences', async () => {
    const ws = workspace();
    const pets = petCensus('self');
    // A prefilled question's description speaks of the web form, where its answer is already there.
    const withPrefill = {
      meta: { ...pets.meta, prefill: { howmany: { column: 'pets_on_record' } } },
      survey: {
        pages: pets.survey.pages.map((page) => ({
          ...page,
          elements: page.elements.map((e) =>
            e.name === 'howmany' ? { ...e, description: 'Taken from the register; correct it if it is wrong.' } : e,
          ),
        })),
      },
    };
    writeFileSync(ws.file('pets.json'), JSON.stringify(withPrefill));

    for (const [instrument, out] of [
      ['tip-prosecutor-survey', 'phase1.html'],
      ['pets.json', 'pets.html'],
    ] as const) {
      expect((await ws.run('instruments', 'print', instrument, '--out', out)).code).toBe(0);
    }
    const phase1 = readFileSync(ws.file('phase1.html'), 'utf8');
    expect(phase1).not.toMatch(/saved automatically|as you go|any device|same link/i);
    expect(phase1).not.toMatch(/filled in from our records/i);
    // What paper needs stays: the time it takes and whom to ask.
    expect(phase1).toContain('About 25 minutes.');
    expect(phase1).toContain('tip-study@example.org');
    const petsHtml = readFileSync(ws.file('pets.html'), 'utf8');
    expect(petsHtml).toContain('How many pets live with you?');
    expect(petsHtml).not.toContain('Taken from the register');
  });

  it('explains how to install Chromium when there is none', async () => {
    const ws = workspace({ CHROMIUM_PATH: '/nonexistent/chromium' });
    const result = await ws.run('instruments', 'print', 'tip-prosecutor-survey', '--out', 'paper.pdf');
    expect(result.code).toBe(1);
    expect(result.err).toContain('there is none at /nonexistent/chromium');
    expect(result.err).toContain('apt-get install chromium');
  });

  it('names what is wrong with the call', async () => {
    const ws = workspace();
    expect(await ws.run('instruments', 'print', 'tip-prosecutor-survey')).toMatchObject({ code: 2 });
    expect((await ws.run('instruments', 'print', 'no-such', '--out', 'x.pdf')).err).toMatch(
      /^fieldkit: No instrument "no-such"\. Known: .*tip-prosecutor-survey@1\.0\.0/,
    );
    expect((await ws.run('instruments', 'print', 'tip-prosecutor-survey', '--out', 'x.doc')).err).toBe(
      'fieldkit: --out must name a .pdf or .html file.',
    );
  });
});
