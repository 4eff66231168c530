import { z } from 'zod';
import { PathId } from '../http/schema.js';

export const NotesSiteParamsSchema = z.strictObject({ siteId: PathId });

/**
 * The options of the interview-notes export. There is no public-use variant: notes name agencies,
 * places and cases, and never enter a public-use file.
 */
export const NotesExportBodySchema = z.strictObject({
  /** Interviews still being entered too; by default only final ones. */
  includeInProgress: z.boolean().default(false),
});
