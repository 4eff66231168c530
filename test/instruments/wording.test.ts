import { Model } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { shippedInstruments } from '../support/app.js';

/**
 * Numbers that are not counts over a period: a year, a duration, a fact of one case file, or the
 * population served (prefilled from the frame's 2018 estimate).
 */
const NOT_PERIOD_COUNTS = new Set([
  'tip-prosecutor-survey.a2_years',
  'tip-prosecutor-survey.a5_pop',
  'cs-prosecutor-interview.p1_unit_year',
  'cs-prosecutor-interview.p2_protocol_yr',
  'cs-case-file-abstraction.cf_nvict',
  'cs-case-file-abstraction.cf_ndef',
  'cs-case-file-abstraction.cf_restamt',
  'cs-case-file-abstraction.d_days',
  'cs-case-file-abstraction.d_sentmo',
  'cs-case-file-abstraction.c_counts',
  'cs-case-file-abstraction.c_sentmo',
]);

const REFERENCE_PERIOD = /\b(19|20)\d{2}\b|currently|current|today|as of|past \d+|last (three|\d+)|this year/i;

describe('wording of counts', () => {
  for (const instrument of shippedInstruments().all()) {
    it(`${instrument.key} states a reference period wherever it asks for a count`, () => {
      const model = new Model(instrument.survey);
      const missing = buildCodebook(instrument)
        .variables.filter((v) => v.type === 'integer' && !NOT_PERIOD_COUNTS.has(`${instrument.meta.id}.${v.question}`))
        .filter((v) => !REFERENCE_PERIOD.test(`${v.label} ${model.getQuestionByName(v.question)?.description ?? ''}`))
        .map((v) => v.name);
      expect(missing).toEqual([]);
    });
  }
});
