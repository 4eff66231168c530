import { z } from 'zod';

/** An upload larger than this is refused (413) before it is read; a season's bounces are a few MB. */
export const MAX_BOUNCE_BYTES = 25 * 1024 * 1024;

/** An mbox (RFC 4155) or one message; a single .eml is read as an mbox of one message. */
export const BOUNCE_MEDIA_TYPES = ['application/mbox', 'message/rfc822'] as const;

/** The file is the request body; what the CLI takes as arguments comes in the query. */
export const ReadBouncesQuerySchema = z.strictObject({
  /** The uploaded file's name, to prefix problems as the CLI does (`bounces.mbox:29:9: ...`). */
  file: z.string().min(1).max(200).optional(),
  dryRun: z.enum(['true', 'false']).default('false'),
});
