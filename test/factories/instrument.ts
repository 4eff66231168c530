import {
  createInstrumentRegistry,
  type Instrument,
  type InstrumentRegistry,
} from '../../server/instruments/registry.js';

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
      mode: 'self',
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

/** The id of the self-administered copy of the case-file form that `withSelfCaseFile` adds. */
export const SELF_CASE_FILE = 'case-file-self';

/**
 * The shipped instruments plus a self-administered copy of the case-file abstraction form, for
 * tests that need its repeating panel in respondents' answers: the form itself is interviewer-mode,
 * so it can never be fielded by link. `ref` picks the version copied (the newest by default).
 */
export function withSelfCaseFile(shipped: InstrumentRegistry, ref = 'cs-case-file-abstraction'): InstrumentRegistry {
  const original = shipped.resolve(ref);
  if (!original) throw new Error('the shipped case-file form is missing');
  const copy: Instrument = {
    ...original,
    key: `${SELF_CASE_FILE}@${original.meta.version}`,
    meta: { ...original.meta, id: SELF_CASE_FILE, mode: 'self' },
    file: `${SELF_CASE_FILE}.json`,
  };
  return createInstrumentRegistry([...shipped.all(), copy]);
}
