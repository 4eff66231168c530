import { expect } from 'vitest';
import { type FrameOffice, type FrameProblem, parseFrame } from '../../server/offices/frame.js';
import { frameCsv, frameRow } from '../factories/frame.js';

// Columns of frameRow, 1-based, as a person counts them in a spreadsheet.
export const COLUMN = {
  office_id: 1,
  office_name: 2,
  state: 3,
  jurisdiction: 4,
  population: 5,
  stratum: 6,
  contact_name: 7,
  contact_email: 8,
} as const;

export const utf8 = (text: string) => Buffer.from(text, 'utf8');

export function importOffices(file: string | Uint8Array): FrameOffice[] {
  const result = parseFrame(typeof file === 'string' ? utf8(file) : file);
  if (!result.ok) throw new Error(`expected a clean import, got ${JSON.stringify(result.problems)}`);
  return result.offices;
}

/** Also checks the all-or-nothing rule: a rejected file carries no offices at all. */
export function importProblems(file: string | Uint8Array): FrameProblem[] {
  const result = parseFrame(typeof file === 'string' ? utf8(file) : file);
  if (result.ok) throw new Error(`expected problems, imported ${result.offices.length} offices`);
  expect(result).not.toHaveProperty('offices');
  return result.problems;
}

/** Two good offices around one row with the given overrides, which lands on line 3. */
export function frameWithRow(overrides: Record<string, string>): string {
  return frameCsv([frameRow(1), frameRow(2, overrides), frameRow(3)]);
}
