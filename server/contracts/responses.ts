import * as z from 'zod/mini';

/**
 * The answers of the respondent API (/api/respond/..., /api/access-code) that the respondent app
 * parses: what a respondent's browser gets, never staff data, never another contact's details.
 */

export const AnswersSchema = z.record(z.string(), z.unknown());

/** Every status names the study, so even a closed link tells the person whom to ask. */
export const StudySchema = z.object({
  name: z.string(),
  contactEmail: z.string(),
  header: z.string(),
  footer: z.string(),
  /** A staff preview: the answers go nowhere near the study's data. */
  testMode: z.optional(z.boolean()),
});
export type Study = z.infer<typeof StudySchema>;

export const OpenSchema = z.object({
  status: z.literal('open'),
  office: z.object({ name: z.string() }),
  study: StudySchema,
  /** SurveyJS locale for this office ("" = the survey's default). */
  locale: z.string(),
  instrument: z.object({
    id: z.string(),
    version: z.string(),
    title: z.string(),
    estimatedMinutes: z.number(),
    // null: the instrument has no consent question, so no consent gate.
    consent: z.nullable(
      z.object({ question: z.string(), declineValue: z.union([z.string(), z.number(), z.boolean()]) }),
    ),
    survey: z.record(z.string(), z.unknown()),
    /** The case's host variables (meta.hostVariables); absent from servers older than them. */
    variables: z.optional(z.record(z.string(), z.unknown())),
    /** meta.panelKeys: repeating panel name -> the entry key each entry keeps; absent: none declared. */
    panelKeys: z.optional(z.record(z.string(), z.string())),
  }),
  answers: AnswersSchema,
  page: z.int(),
  revision: z.int(),
});
export type OpenRespondState = z.infer<typeof OpenSchema>;
/** submittedAt is null only where a row lost its time (the schema does not tie it to the status). */
export const CompletedSchema = z.object({ status: z.literal('completed'), submittedAt: z.nullable(z.string()) });
export const DeclinedSchema = z.object({ status: z.literal('declined') });

/** GET /api/respond/:credential. Opening a closed link names the study too. */
export const RespondStateSchema = z.discriminatedUnion('status', [
  OpenSchema,
  z.object({ ...CompletedSchema.shape, study: StudySchema }),
  z.object({ ...DeclinedSchema.shape, study: StudySchema }),
]);
export type RespondState = z.infer<typeof RespondStateSchema>;

/** POST .../complete and .../decline. */
export const FinishSchema = z.discriminatedUnion('status', [CompletedSchema, DeclinedSchema]);
export type FinishState = z.infer<typeof FinishSchema>;

/** PUT .../draft. */
export const SavedSchema = z.object({ revision: z.int(), savedAt: z.string() });
export type Saved = z.infer<typeof SavedSchema>;

/** The details of a 409 stale_revision: the draft the server holds. */
export const RemoteDraftSchema = z.object({ answers: AnswersSchema, page: z.int(), revision: z.int() });
export type RemoteDraft = z.infer<typeof RemoteDraftSchema>;

/**
 * The details of a 410 fielding_closed (any respondent route of a link whose fielding has closed
 * before its office finished): when it closed, when the office's answers were last saved (null:
 * never), and the study, so the page still says whom to ask.
 */
export const FieldingClosedDetailsSchema = z.object({
  closedAt: z.string(),
  savedAt: z.nullable(z.string()),
  study: StudySchema,
});
export type FieldingClosedDetails = z.infer<typeof FieldingClosedDetailsSchema>;

/** POST /api/access-code: the credential the code stands for. */
export const CredentialSchema = z.object({ credential: z.string().check(z.minLength(1)) });
