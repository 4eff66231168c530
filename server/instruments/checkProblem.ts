/**
 * What the instrument checker reports, apart from the checker itself: its rule modules (names,
 * references, columns) produce these and the checker imports the rules, never the other way round.
 */
export type CheckRule =
  | 'meta'
  | 'surveyjs'
  | 'type'
  | 'name'
  | 'duplicate-name'
  | 'column'
  | 'choice-code'
  | 'reserved-code'
  | 'expression'
  | 'exclusive-none'
  | 'variables'
  | 'html';

/** A problem stops the instrument from loading; a warning is printed and the instrument loads. */
export type CheckProblem = { rule: CheckRule; question?: string; message: string; severity?: 'warning' };
