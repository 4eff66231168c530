import { allowedFields, checkText, type TemplateProblem } from '../templates/render.js';

/**
 * A fielding's letter: plain text with the emails' merge fields, printed between the recipient's
 * address and the access-code box, then the sender's signature block. Until staff save their own,
 * this default, which says how long the survey takes and by when to answer.
 */
export const DEFAULT_LETTER_BODY = `Dear {{contact_name}},

Your office, {{office_name}}, has been selected to take part in a national study of how local prosecutors’ offices handle human trafficking cases. Every office’s answers matter: together they describe the work of offices like yours nationwide, and no office can be replaced by another.

The survey takes about {{survey_minutes}} minutes. To take part, go to the address below and type the access code. The code is for your office only; you can stop at any time and continue later with the same code, and a colleague may answer for the office.

Please respond by {{deadline}}. Thank you for your help.`;

/** A letter has no opt-out link (that is an email's); every other email field, and the frame's columns. */
export function letterFields(attributeKeys: Iterable<string>): Set<string> {
  const fields = allowedFields(attributeKeys);
  fields.delete('opt_out_link');
  return fields;
}

/** What is wrong with a letter's text, with line and column, as for an email template. */
export function checkLetter(body: string, fields: ReadonlySet<string>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (body.trim() === '') problems.push({ part: 'body', line: 1, column: 1, message: 'The letter is empty.' });
  for (const p of checkText(body, fields).problems) {
    const optOut = p.message.startsWith('Unknown merge field {{opt_out_link}}');
    problems.push({
      part: 'body',
      ...p,
      // Said plainly: the field exists for emails, a letter cannot carry a clickable link.
      message: optOut ? 'A letter has no opt-out link: {{opt_out_link}} is for emails only.' : p.message,
    });
  }
  return problems;
}
