import type { MailKind } from '../contracts/mailings.js';
import type { EmailTemplate } from './render.js';

/**
 * The texts a fielding starts with, until staff save their own (the console's Email page). Plain
 * and short: a national study's invitation comes from the study team, who replace these.
 */
export const DEFAULT_TEMPLATES: Readonly<Record<MailKind, EmailTemplate>> = Object.freeze({
  invitation: {
    subject: 'Invitation: national survey of prosecutors’ offices ({{office_name}})',
    body: `Dear {{contact_name}},

{{office_name}} is invited to take part in a national study of how local prosecutors’ offices handle
human trafficking cases. The survey takes about {{survey_minutes}} minutes, can be saved and
finished later, and your answers are kept confidential.

Your office’s personal link:
{{link}}

Or go to {{code_url}} and type the access code {{access_code}}.

Please respond by {{deadline}}. Thank you for your help.

The study team`,
  },
  reminder: {
    subject: 'Reminder: national survey of prosecutors’ offices ({{office_name}})',
    body: `Dear {{contact_name}},

{{invited_ago}} we invited {{office_name}} to take part in a national study of how local
prosecutors’ offices handle human trafficking cases. If you have already started, the link below
takes you back to where you left off.

{{link}}

Or go to {{code_url}} and type the access code {{access_code}}.

Please respond by {{deadline}}. Thank you.

The study team`,
  },
  thank_you: {
    subject: 'Thank you: national survey of prosecutors’ offices',
    body: `Dear {{contact_name}},

Thank you for completing the survey for {{office_name}}. Your answers have been received.

The study team`,
  },
});
