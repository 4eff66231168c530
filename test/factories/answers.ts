/**
 * Plausible whole answer sets for the Phase I survey, built fresh on every call so tests can
 * change them freely. `overrides` replace or (with undefined) remove single answers.
 */
type Answers = Record<string, unknown>;

function apply(base: Answers, overrides: Answers): Answers {
  const answers = { ...base, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete answers[key];
  return answers;
}

const years = ['2009', '2010', '2011', '2012', '2013', '2014', '2015', '2016', '2017', '2018'];

/** An office that charged TIP cases (b2 = 1): the path through b3/b4. */
export function chargedOfficeAnswers(overrides: Answers = {}): Answers {
  return apply(
    {
      consent: 1,
      a1_role: 1,
      a2_years: 12,
      a3_state: 42,
      a4_jurtype: 1,
      a5_pop: 1_250_000,
      a6_staff: { attorneys: 80, investigators: 12, advocates: 9, other: 40 },
      a7_unit: [1, 3],
      a8_vertical: 1,
      b1_law: { '1': 1, '2': 1, '3': 1, '4': 2, '5': -7, '6': 2, '7': 1 },
      b2_anycase: 1,
      b3_cases: Object.fromEntries(years.map((y, i) => [y, { sex: i, labor: i === 4 ? -7 : 0 }])),
      b4_outcome: { conv_tip: 20, conv_other: 8, acq_dism: 5, pending: 3 },
      b6_altchg: [1, 3, 9],
      b6_altchg_oth: 'Witness tampering',
      b7_altwhy: { '1': 3, '2': 3, '3': 2, '4': 1, '5': 1, '6': -7 },
      b8_federal: 3,
      c1_source: { '1': 4, '2': 2, '3': 3, '4': 4, '5': 3, '6': 2, '7': 2, '8': 1 },
      c2_screen: [1, 2],
      c3_taskforce: [1, 3],
      c4_evidence: [1, 2, 3, 7],
      c5_barriers: { '1': 3, '2': 3, '3': 2, '4': 2, '5': 2, '6': 2, '7': 1, '8': 3 },
      d1_protocol: 1,
      d2_trauma: [1, 3],
      d3_services: { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1, '7': 1, '8': 2 },
      d4_beds: 14,
      d5_practice: [1, 2, 6, 7],
      e1_buyers: 1,
      e2_buyercount: -7,
      e3_strategy: [1, 2, 3],
      e4_change: 3,
      f1_training: [1, 3],
      f2_needs: [1, 3, 5],
      f3_practice: 'A joint intake meeting with the task force every week.',
      f4_followup: 1,
    },
    overrides,
  );
}

/** An office that never charged a TIP case (b2 = 2): the path through b5. */
export function neverChargedOfficeAnswers(overrides: Answers = {}): Answers {
  const base = chargedOfficeAnswers();
  delete base.b3_cases;
  delete base.b4_outcome;
  return apply({ ...base, b2_anycase: 2, b5_nocase: [1, 5] }, overrides);
}
