import { settings } from 'survey-core';

/**
 * SurveyJS's date functions read "now" from the machine: today(), currentDate(), currentYear(),
 * age() and year()/month()/day()/weekday() without a date all make their date through
 * survey-core's createDate with no value, which hands `new Date()` to settings.onDateCreated.
 * The server runs on its injected clock (platform/clock.ts: a fake one in tests, FIELDKIT_NOW on a
 * rehearsal copy), so a check such as `maxValueExpression: "today()"` must see the server's day,
 * not the machine's, or a record dated "today" by the server is refused as "after today()".
 * Replacing that one hook (rather than re-registering each function) keeps survey-core's own
 * date arithmetic and changes nothing when the clock is the real one.
 */
let surveyNow: Date | undefined;
const surveyCoreHook = settings.onDateCreated;
settings.onDateCreated = (date, reason, val) =>
  // Only a date made from no value is "now"; a date made from an answer passes as it was.
  surveyCoreHook(!val && surveyNow ? new Date(surveyNow.getTime()) : date, reason, val);

/**
 * Runs `evaluate` (synchronous SurveyJS work: a model given answers, a condition run) with
 * SurveyJS's "now" at `now`. Evaluation never awaits, so nothing else runs while it is set.
 */
export function atSurveyTime<T>(now: Date, evaluate: () => T): T {
  const outer = surveyNow;
  surveyNow = now;
  try {
    return evaluate();
  } finally {
    surveyNow = outer;
  }
}
