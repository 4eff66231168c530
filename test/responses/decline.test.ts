import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { eventTypes, postComplete, putDraft, setup, storedResponse } from './setup.js';

describe('POST /api/respond/:credential/decline', () => {
  it('records the refusal; the link then says the office declined and refuses drafts', async () => {
    const { app, token, env } = setup();
    const res = await request(app).post(`/api/respond/${token}/decline`).send({ reason: 'respondent_declined' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'declined' });
    expect(eventTypes(env)).toContain('declined');
    expect((await request(app).get(`/api/respond/${token}`)).body).toEqual({
      status: 'declined',
      study: expect.objectContaining({ name: expect.any(String) }),
    });
    const draft = await putDraft(app, token, { answers: {}, page: 0, revision: 1 });
    expect(draft.status).toBe(409);
    expect(draft.body.error.code).toBe('already_declined');
  });

  it('cannot undo a completed survey', async () => {
    const { app, token, env } = setup();
    await postComplete(app, token, { answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
    const res = await request(app).post(`/api/respond/${token}/decline`).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_completed');
    expect(storedResponse(env).status).toBe('completed');
  });

  it('rejects an unknown reason', async () => {
    const { app, token } = setup();
    const res = await request(app).post(`/api/respond/${token}/decline`).send({ reason: 'bored' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems[0].path).toBe('reason');
  });
});
