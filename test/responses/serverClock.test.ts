import { describe, expect, it } from 'vitest';
import { createInstrumentRegistry } from '../../server/instruments/registry.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { seedFielding, tokenOf } from '../support/app.js';
import { openEnv, postComplete } from './setup.js';

/**
 * A made-up survey whose checks read SurveyJS's "now": a date no later than today() and a year no
 * later than currentYear(). The tests' fake clock (2027-02-01) is not the machine's, so the verdict
 * shows which of the two the server's validation threads judged by.
 */
const dated = madeUpInstrument('dated', [
  {
    name: 'p1',
    elements: [
      CONSENT_QUESTION,
      { type: 'text', name: 'visit', inputType: 'date', maxValueExpression: 'today()' },
      {
        type: 'text',
        name: 'since',
        inputType: 'number',
        validators: [{ type: 'expression', expression: '{since} <= currentYear()', text: 'Not a future year.' }],
      },
    ],
  },
]);

function fielded() {
  const env = openEnv({ instruments: createInstrumentRegistry([dated]) });
  const [link] = seedFielding(env, { instrument: 'dated' });
  if (!link) throw new Error('no link');
  return { env, token: tokenOf(link) };
}

describe('POST /api/respond/:credential/complete judges date checks by the server clock', () => {
  it('accepts the server’s today and its current year', async () => {
    const { env, token } = fielded();
    const now = env.clock();
    const answers = { consent: 1, visit: now.toISOString().slice(0, 10), since: now.getUTCFullYear() };
    const res = await postComplete(env.app, token, { answers, revision: 0 });
    expect([res.status, res.body]).toEqual([200, { status: 'completed', submittedAt: now.toISOString() }]);
  });

  it('refuses the day after the server’s today and the year after its current year', async () => {
    const { env, token } = fielded();
    const tomorrow = new Date(env.clock().getTime() + 86_400_000).toISOString().slice(0, 10);
    const answers = { consent: 1, visit: tomorrow, since: env.clock().getUTCFullYear() + 1 };
    const res = await postComplete(env.app, token, { answers, revision: 0 });
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_answers']);
    expect(Object.keys(res.body.error.details.questions).sort()).toEqual(['since', 'visit']);
    expect(res.body.error.details.questions.since).toEqual(['Not a future year.']);
  });
});
