import * as z from 'zod/mini';

/** The answers of the site routes (docs/staff-api.md): the Phase II case-study sites. */

/** A record's status: being entered, final (read-only until a lead reopens it), or refused (no consent). */
export const RECORD_STATUSES = ['in_progress', 'final', 'refused'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** A staff member as records name them: the initials come from the account's full name (or its email). */
export const StaffRefSchema = z.object({ id: z.number(), initials: z.string(), fullName: z.string() });
export type StaffRef = z.infer<typeof StaffRefSchema>;

export const SiteInterviewerSchema = z.object({
  id: z.number(),
  email: z.string(),
  fullName: z.string(),
  initials: z.string(),
});
export type SiteInterviewer = z.infer<typeof SiteInterviewerSchema>;

/** An instrument a site uses, at the newest version loaded on the server (new records start on it). */
export const SiteInstrumentSchema = z.object({ id: z.string(), title: z.string(), version: z.string() });
export type SiteInstrument = z.infer<typeof SiteInstrumentSchema>;

export const RecordCountsSchema = z.object({ in_progress: z.number(), final: z.number(), refused: z.number() });
export type RecordCounts = z.infer<typeof RecordCountsSchema>;

export const SiteSchema = z.object({
  id: z.number(),
  name: z.string(),
  jurisdiction: z.string(),
  notes: z.string(),
  interviewers: z.array(SiteInterviewerSchema),
  instruments: z.array(SiteInstrumentSchema),
  /** The site's records by status (an interviewer's list counts the whole site, like staff's). */
  records: RecordCountsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Site = z.infer<typeof SiteSchema>;

/** GET /api/staff/sites: an interviewer gets only the sites they are assigned to. */
export const SiteListSchema = z.object({ sites: z.array(SiteSchema) });
/** POST, PATCH /api/staff/sites[/:id], PUT .../interviewers, PUT .../instruments. */
export const OneSiteSchema = z.object({ site: SiteSchema });
/** GET /api/staff/interviewers: the active interviewer accounts a site can be given. */
export const InterviewerListSchema = z.object({ interviewers: z.array(SiteInterviewerSchema) });
