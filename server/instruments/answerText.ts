import type { InputMaskBase, SurveyValidator } from 'survey-core';
import { ANSWER_LIMITS, checkNumber, checkText, describe } from './answerBasics.js';
import { dkAllowed } from './extensions.js';
import { isNumericInput, numericRule } from './numeric.js';

/** A text question or a multiple-text item: both carry an input type, a length limit and a mask. */
export type TextOwner = {
  inputType: string;
  maxLength: number;
  maskType: string;
  maskSettings: InputMaskBase;
  validators?: SurveyValidator[];
  getPropertyValue(name: string): unknown;
};

function isRealDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** ISO weeks: a year has 53 when it starts on a Thursday, or on a Wednesday in a leap year. */
function weeksIn(year: number): number {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = isRealDate(year, 2, 29);
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$/;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const TEL = /^[0-9 +\-().]+$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
// survey-core's EmailValidator, which its text question applies to inputType "email".
const EMAIL =
  /^(([^<>()[\].,;:\s@"]+(\.[^<>()[\].,;:\s@"]+)*)|(".+"))@(([^<>()=[\].,;:\s@"]+\.)+[^<>()=[\].,;:\s@"]{2,})$/i;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

function validUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** What each browser input type stores, as text; undefined for types that take any text. */
const FORMATS: Record<string, { valid: (s: string) => boolean; expected: string } | undefined> = {
  date: { valid: validDate, expected: 'a date (YYYY-MM-DD)' },
  time: { valid: (s) => TIME.test(s), expected: 'a time (HH:MM)' },
  'datetime-local': {
    valid: (s) => s.length >= 16 && s[10] === 'T' && validDate(s.slice(0, 10)) && TIME.test(s.slice(11)),
    expected: 'a date and time (YYYY-MM-DDTHH:MM)',
  },
  month: { valid: (s) => MONTH.test(s), expected: 'a month (YYYY-MM)' },
  week: {
    valid: (s) => {
      const m = WEEK.exec(s);
      return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= weeksIn(Number(m[1]));
    },
    expected: 'a week (YYYY-Www)',
  },
  email: { valid: (s) => EMAIL.test(s), expected: 'an e-mail address' },
  url: { valid: validUrl, expected: 'a web address' },
  tel: { valid: (s) => TEL.test(s), expected: 'a telephone number (digits, spaces, + - ( ) .)' },
  color: { valid: (s) => COLOR.test(s), expected: 'a colour (#rrggbb)' },
};

/** Types whose values sort as text in time order, so min and max (in the same format) compare as text. */
const ORDERED_AS_TEXT = new Set(['date', 'time', 'datetime-local', 'month', 'week']);

function checkFormatted(owner: TextOwner, value: string): string[] {
  const format = FORMATS[owner.inputType];
  if (!format) return [];
  if (!format.valid(value)) return [`${describe(value)} is not ${format.expected}`];
  if (ORDERED_AS_TEXT.has(owner.inputType)) {
    const min = owner.getPropertyValue('min');
    const max = owner.getPropertyValue('max');
    if (typeof min === 'string' && min !== '' && value < min)
      return [`${value} is before the earliest allowed, ${min}`];
    if (typeof max === 'string' && max !== '' && value > max) return [`${value} is after the latest allowed, ${max}`];
  }
  return [];
}

/**
 * An input mask stores either the unmasked value (the default: a number for numeric and currency
 * masks, ISO text for datetime masks, the entered characters for pattern masks) or, with
 * `saveMaskedValue`, the text as displayed. survey-core's own mask turns one into the other, so a
 * stored value is what the client stores exactly when it survives that round trip unchanged; an
 * incomplete pattern, an impossible date, a number out of the mask's range or precision do not.
 */
function checkMasked(owner: TextOwner, value: unknown): string[] {
  const mask = owner.maskSettings;
  const numeric = owner.maskType === 'numeric' || owner.maskType === 'currency';
  if (mask.saveMaskedValue || !numeric) {
    const text = checkText(value, ANSWER_LIMITS.textChars);
    if (text.length > 0) return text;
  } else if (typeof value !== 'number' || !Number.isFinite(value)) return [`${describe(value)} is not a number`];
  const roundTrip = mask.saveMaskedValue
    ? mask.getMaskedValue(mask.getUnmaskedValue(value as string))
    : mask.getUnmaskedValue(mask.getMaskedValue(value));
  return roundTrip === value ? [] : [`${describe(value)} does not fit the input mask`];
}

/**
 * A text question or multiple-text item. Text is stored exactly as typed: nothing is trimmed, so
 * nothing is compared trimmed either.
 */
export function checkTextAnswer(owner: TextOwner, value: unknown, dk = dkAllowed(owner)): string[] {
  if (owner.maskType && owner.maskType !== 'none') return checkMasked(owner, value);
  if (isNumericInput(owner.inputType)) return checkNumber(value, numericRule(owner, dk));
  const text = checkText(value, owner.maxLength > 0 ? owner.maxLength : ANSWER_LIMITS.textChars);
  return text.length > 0 ? text : checkFormatted(owner, value as string);
}
