import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createInstrumentRegistry, type Instrument } from '../../server/instruments/registry.js';
import { createTestEnv, seedFielding, shippedInstruments, type TestEnv, tokenOf } from '../support/app.js';
import { putDraft } from './setup.js';

const envs: TestEnv[] = [];
afterEach(() => {
  for (const env of envs.splice(0)) env.close();
});

/** Version 2 of the Phase I survey: the same questions plus one more on the last page. */
function nextVersion(v1: Instrument): Instrument {
  const survey = structuredClone(v1.survey) as { pages: { elements: unknown[] }[] };
  survey.pages.at(-1)?.elements.push({ type: 'comment', name: 'f5_comments', title: 'Any other comments?' });
  return { ...v1, key: `${v1.meta.id}@2.0.0`, meta: { ...v1.meta, version: '2.0.0' }, survey };
}

describe('instrument versions', () => {
  it('keeps a started response on the version it started with after a new version is installed', async () => {
    const v1 = shippedInstruments().resolve('tip-prosecutor-survey@1.0.0') as Instrument;
    const env = createTestEnv({ instruments: createInstrumentRegistry([v1]) });
    envs.push(env);
    const [link] = seedFielding(env);
    const token = tokenOf(link as NonNullable<typeof link>);
    await putDraft(env.app, token, { answers: { consent: 1 }, page: 1, revision: 0 }).expect(200);

    // A restart with version 2 on disk.
    const upgraded = createApp({ ...env, instruments: createInstrumentRegistry([v1, nextVersion(v1)]) });
    const res = await request(upgraded).get(`/api/respond/${token}`);
    expect(res.status).toBe(200);
    expect(res.body.instrument.version).toBe('1.0.0');
    expect(JSON.stringify(res.body.instrument.survey)).not.toContain('f5_comments');
    // Answers for version 2's new question are not accepted from a version 1 response.
    const draft = await putDraft(upgraded, token, { answers: { consent: 1, f5_comments: 'x' }, page: 1, revision: 1 });
    expect(draft.status).toBe(400);
    expect(env.db.prepare('SELECT instrument_version FROM responses').pluck().get()).toBe('1.0.0');
  });

  it('fields the newest version when a fielding names the instrument without a version', () => {
    const v1 = shippedInstruments().resolve('tip-prosecutor-survey@1.0.0') as Instrument;
    const env = createTestEnv({ instruments: createInstrumentRegistry([v1, nextVersion(v1)]) });
    envs.push(env);
    seedFielding(env);
    expect(env.db.prepare('SELECT instrument_version FROM fieldings').pluck().get()).toBe('2.0.0');
  });

  it('answers 500 in the one error shape when a response’s version is no longer installed', async () => {
    const v1 = shippedInstruments().resolve('tip-prosecutor-survey@1.0.0') as Instrument;
    const env = createTestEnv({ instruments: createInstrumentRegistry([v1]) });
    envs.push(env);
    const [link] = seedFielding(env);
    const withoutV1 = createApp({ ...env, instruments: createInstrumentRegistry([nextVersion(v1)]) });
    const res = await request(withoutV1).get(`/api/respond/${tokenOf(link as NonNullable<typeof link>)}`);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('instrument_missing');
  });
});
