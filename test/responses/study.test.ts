import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createInstrumentRegistry, type Instrument, instrumentProblems } from '../../server/instruments/registry.js';
import { frameRow } from '../factories/frame.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { openEnv } from './setup.js';

/** A made-up survey with German strings beside the default ones, and no French. */
function bilingual(study?: Instrument['meta']['study']): Instrument {
  const base = madeUpInstrument('bilingual', [
    { name: 'p1', elements: [{ ...CONSENT_QUESTION, title: { default: 'Do you agree?', de: 'Stimmen Sie zu?' } }] },
  ]);
  return {
    ...base,
    meta: { ...base.meta, title: 'Bilingual (meta title)', ...(study ? { study } : {}) },
    survey: { ...base.survey, title: { default: 'Survey of Made-Up Offices', de: 'Umfrage erfundener Ämter' } },
  };
}

/** One fielding of the instrument with one office per `language` (undefined = no language column). */
function openFor(instrument: Instrument, languages: (string | undefined)[]) {
  const env = openEnv({ instruments: createInstrumentRegistry([instrument]) });
  const rows = languages.map((language, i) => frameRow(i + 1, language === undefined ? {} : { language }));
  const links = seedFielding(env, { instrument: instrument.meta.id, rows });
  return { env, tokens: links.map(tokenOf) };
}

describe('GET /api/respond/:credential — study and locale', () => {
  it('names the study, contact, header and footer from the instrument’s meta.study', async () => {
    const study = {
      name: 'Made-Up Courts Study',
      contactEmail: 'courts-study@example.org',
      header: 'Made-Up Courts Study · 2027',
      footer: 'Run by the Made-Up Institute.',
    };
    const { env, tokens } = openFor(bilingual(study), [undefined]);
    const res = await request(env.app).get(`/api/respond/${tokens[0]}`);
    expect(res.status).toBe(200);
    expect(res.body.study).toEqual(study);
  });

  it('defaults the study name to the survey’s title, with no contact, header or footer', async () => {
    const { env, tokens } = openFor(bilingual(), [undefined]);
    const res = await request(env.app).get(`/api/respond/${tokens[0]}`);
    expect(res.body.study).toEqual({ name: 'Survey of Made-Up Offices', contactEmail: '', header: '', footer: '' });
    expect(JSON.stringify(res.body)).not.toMatch(/Prosecutors|tip-study/);
  });

  it('falls back to meta.title when the survey has no title', async () => {
    const instrument = madeUpInstrument('untitled', [{ name: 'p1', elements: [CONSENT_QUESTION] }]);
    const { env, tokens } = openFor(instrument, [undefined]);
    const res = await request(env.app).get(`/api/respond/${tokens[0]}`);
    expect(res.body.study.name).toBe('untitled');
  });

  it('gives an office with language "de" the locale "de" and the German study name; others the default', async () => {
    const { env, tokens } = openFor(bilingual(), ['de', 'fr', undefined, 'DE-ch']);
    const bodies = await Promise.all(
      tokens.map(async (token) => (await request(env.app).get(`/api/respond/${token}`)).body),
    );
    expect(bodies.map((body) => body.locale)).toEqual(['de', '', '', 'de']);
    expect(bodies[0].study.name).toBe('Umfrage erfundener Ämter');
    expect(bodies[1].study.name).toBe('Survey of Made-Up Offices');
  });

  it('falls back to the survey’s own default locale when the office’s language has no strings', async () => {
    const instrument = bilingual();
    const french = { ...instrument, survey: { ...instrument.survey, locale: 'fr' } };
    const { env, tokens } = openFor(french, ['es']);
    expect((await request(env.app).get(`/api/respond/${tokens[0]}`)).body.locale).toBe('fr');
  });

  it('still names the study once the office has declined', async () => {
    const { env, tokens } = openFor(bilingual({ name: 'Made-Up Courts Study' }), [undefined]);
    await request(env.app).post(`/api/respond/${tokens[0]}/decline`).send({}).expect(200);
    const res = await request(env.app).get(`/api/respond/${tokens[0]}`);
    expect(res.body).toEqual({
      status: 'declined',
      study: { name: 'Made-Up Courts Study', contactEmail: '', header: '', footer: '' },
    });
  });
});

describe('instrument meta.study', () => {
  const file = (study: unknown) => ({
    meta: {
      id: 'studied',
      version: '1',
      title: 'Studied',
      mode: 'self',
      referencePeriod: '2027',
      estimatedMinutes: 5,
      consent: { question: 'consent', declineValue: 2 },
      study,
    },
    survey: { pages: [{ name: 'p1', elements: [CONSENT_QUESTION] }] },
  });

  it('accepts a name with an optional contact email, header and footer', () => {
    expect(instrumentProblems('studied.json', file({ name: 'S' }))).toEqual([]);
    expect(
      instrumentProblems('studied.json', file({ name: 'S', contactEmail: 'a@example.org', header: 'H', footer: 'F' })),
    ).toEqual([]);
  });

  it('refuses a contact that is not an email, a missing name, and markup', () => {
    expect(instrumentProblems('studied.json', file({ name: 'S', contactEmail: 'someone' }))).not.toEqual([]);
    expect(instrumentProblems('studied.json', file({ contactEmail: 'a@example.org' }))).not.toEqual([]);
    expect(instrumentProblems('studied.json', file({ name: 'S', footer: '<b>F</b>' }))).not.toEqual([]);
  });
});
