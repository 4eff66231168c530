import { z } from 'zod';

/** Only invitations are sent on request; reminders and thank-yous follow their schedule. */
export const StartMailingBodySchema = z.strictObject({
  kind: z.literal('invitation', { error: 'kind must be "invitation"' }),
  dryRun: z.boolean().optional(),
});
