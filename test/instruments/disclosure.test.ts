import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInstrument } from '../../server/instruments/checker.js';
import { loadInstrumentFile } from '../../server/instruments/registry.js';
import { projectRoot } from '../../server/platform/paths.js';
import { workspace } from '../cli/workspace.js';

const PHASE_ONE = path.join(projectRoot, 'instruments', 'tip-prosecutor-survey.json');
const phaseOne = () =>
  JSON.parse(readFileSync(PHASE_ONE, 'utf8')) as {
    meta: Record<string, unknown> & { disclosure?: Record<string, unknown> };
    survey: Record<string, unknown>;
  };

/** A survey as SurveyJS Creator saves it, with a contact email and phone among its questions. */
const contactSurvey = {
  pages: [
    {
      name: 'page1',
      elements: [
        { type: 'text', name: 'office_size', inputType: 'number' },
        { type: 'text', name: 'reply_email', inputType: 'email' },
        { type: 'text', name: 'reply_phone', inputType: 'tel' },
        { type: 'comment', name: 'remarks' },
      ],
    },
  ],
};

describe('disclosure tags in meta.disclosure', () => {
  it('ships the Phase I survey with its prefilled state and population tagged as their frame columns', () => {
    const instrument = loadInstrumentFile(PHASE_ONE);

    expect(instrument.meta.disclosure).toEqual({
      a3_state: { identifier: 'quasi', treatment: 'region' },
      a5_pop: { identifier: 'quasi', treatment: 'population_band' },
    });
  });

  it('refuses a tag that protects a prefilled question less than its frame column, and a tag naming no question', () => {
    const file = phaseOne();
    file.meta.disclosure = {
      a3_state: { identifier: 'quasi', treatment: 'none' },
      no_such_question: { identifier: 'direct' },
    };

    const messages = checkInstrument(file).map((p) => p.message);

    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/tags "a3_state" .* prefilled from the frame column "state", which needs .*"region"/),
        'meta.disclosure names "no_such_question", which is not a question of the survey.',
      ]),
    );
  });

  it('leaves the content hash alone, so a disclosure review can tighten the tags of a version with responses', () => {
    const ws = workspace();
    const without = phaseOne();
    delete without.meta.disclosure;
    const stricter = phaseOne();
    stricter.meta.disclosure = { ...stricter.meta.disclosure, a4_jurtype: { identifier: 'quasi' } };
    writeFileSync(ws.file('without.json'), JSON.stringify(without));
    writeFileSync(ws.file('stricter.json'), JSON.stringify(stricter));

    const shipped = loadInstrumentFile(PHASE_ONE).contentHash;

    expect(loadInstrumentFile(ws.file('without.json')).contentHash).toBe(shipped);
    expect(loadInstrumentFile(ws.file('stricter.json')).contentHash).toBe(shipped);
  });
});

describe('fieldkit instruments import writes the disclosure defaults', () => {
  it('tags email and phone inputs as direct identifiers', async () => {
    const ws = workspace();
    writeFileSync(ws.file('contact.json'), JSON.stringify(contactSurvey));

    const result = await ws.run('instruments', 'import', 'contact.json', '--id', 'contact-survey', '--out', 'out.json');
    const file = JSON.parse(readFileSync(ws.file('out.json'), 'utf8'));

    expect(result.code).toBe(0);
    expect(file.meta.disclosure).toEqual({
      reply_email: { identifier: 'direct', treatment: 'none' },
      reply_phone: { identifier: 'direct', treatment: 'none' },
    });
  });

  it('keeps the prefills of --previous and tags each prefilled question like its frame column', async () => {
    const ws = workspace();
    const previous = phaseOne();
    delete previous.meta.disclosure;
    writeFileSync(ws.file('previous.json'), JSON.stringify(previous));
    writeFileSync(ws.file('survey.json'), JSON.stringify(previous.survey));

    const result = await ws.run(
      'instruments',
      'import',
      'survey.json',
      '--previous',
      'previous.json',
      '--out',
      'next.json',
    );
    const file = JSON.parse(readFileSync(ws.file('next.json'), 'utf8'));
    const check = await ws.run('instruments', 'check', 'next.json');

    expect(result.code).toBe(0);
    expect(file.meta.prefill).toEqual(previous.meta.prefill);
    expect(file.meta.disclosure).toEqual({
      a3_state: { identifier: 'quasi', treatment: 'region' },
      a5_pop: { identifier: 'quasi', treatment: 'population_band' },
    });
    expect(check.code).toBe(0);
  });
});
