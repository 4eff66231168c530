import * as z from 'zod/mini';

/** The answers of the instrument routes (docs/staff-api.md): the catalog and previews. */

export const InstrumentSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Newest first. */
  versions: z.array(
    z.object({ version: z.string(), key: z.string(), title: z.string(), mode: z.string(), contentHash: z.string() }),
  ),
});
export type InstrumentAnswer = z.infer<typeof InstrumentSchema>;
export const InstrumentListSchema = z.object({ instruments: z.array(InstrumentSchema) });
/** A test-mode preview's link for the respondent app, shown once, working for two hours. */
export const PreviewSchema = z.object({ url: z.string(), expiresAt: z.string() });
