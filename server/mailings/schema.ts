import { z } from 'zod';

/** Only invitations are sent on request; reminders and thank-yous follow their schedule. */
export const StartMailingBodySchema = z.strictObject({
  kind: z.literal('invitation', { error: 'kind must be "invitation"' }),
  dryRun: z.boolean().optional(),
});

/** Staff confirm they checked the mailbox; `sends` names the interrupted messages, or "all". */
export const ResendInterruptedBodySchema = z.strictObject({
  sends: z.union([z.literal('all'), z.array(z.int().positive()).min(1, 'choose at least one message')], {
    error: 'sends must be "all" or a list of message ids',
  }),
  checkedMailbox: z.literal(true, {
    error: 'checkedMailbox must be true: check the sent mailbox (or with the offices) that these did not arrive first',
  }),
});
