import type { Instrument } from '../../server/instruments/registry.js';

/** The consent question every made-up instrument starts with ("no" = 2). */
export const CONSENT_QUESTION = { type: 'radiogroup', name: 'consent', choices: [1, 2] };

/** An in-memory instrument around the given SurveyJS pages, for unit tests of one mechanism. */
export function madeUpInstrument(id: string, pages: unknown[]): Instrument {
  return {
    key: `${id}@1`,
    meta: {
      id,
      version: '1',
      title: id,
      mode: 'interviewer',
      referencePeriod: '2018',
      estimatedMinutes: 1,
      consent: { question: 'consent', declineValue: 2 },
      prefill: {},
    },
    survey: { pages },
    contentHash: 'x',
    file: `${id}.json`,
  };
}
