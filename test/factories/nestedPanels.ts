/**
 * Answers to the nested-panels fixture (test/fixtures/instruments/nested): defendants 1 and 3 (the
 * second entered was removed), the first with charges 1 and 3 (the second removed), the other a
 * buyer with one charge and the given note; two victims in a panel without a declared key.
 */
export function nestedPanelAnswers(buyerNote: string) {
  return {
    has_defs: 1,
    defs: [
      {
        def_no: 1,
        d_role: 1,
        charges: [
          { charge_no: 1, c_stat: 1, c_counts: 2, c_sentmo: 60 },
          { charge_no: 3, c_stat: 4, c_counts: 1 },
        ],
      },
      { def_no: 3, d_role: 2, d_note: buyerNote, charges: [{ charge_no: 1, c_stat: 2, c_counts: 3 }] },
    ],
    victims: [{ v_minor: 1 }, { v_minor: -7 }],
  };
}
