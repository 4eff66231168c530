import { z } from 'zod';
import { containsMarkup } from './sanitize.js';

/**
 * An instrument file is `{ "meta": {...}, "survey": {...} }`: Fieldkit's metadata beside a plain
 * SurveyJS JSON definition. Keeping them apart means `survey` loads in any SurveyJS tool as is.
 */
export const QUESTION_NAME = /^[a-z][a-z0-9_]{0,31}$/;

export const PrefillSchema = z.object({
  /** Frame column the value comes from (`state`, `population`, or any extra column). */
  column: z.string().min(1),
  /** How the frame's text becomes the question's value. */
  transform: z.enum(['text', 'integer', 'state_fips']).default('text'),
});

/**
 * How the public-use file treats a question's variables. `direct` identifies an office by itself
 * and is dropped; `quasi` identifies in combination with others: it gets its treatment (a state
 * becomes its Census region, a population its size band, a date or time its date) and then joins the
 * k-anonymity check over all quasi-identifiers together.
 */
export const DisclosureSchema = z.strictObject({
  identifier: z.enum(['direct', 'quasi']),
  treatment: z.enum(['region', 'population_band', 'date', 'none']).default('none'),
});

/** A choice value as SurveyJS stores it. */
export const ChoiceValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/**
 * Where the value of a variable that the survey's expressions read but no question sets comes from
 * (a host app set it in SurveyJS's own deployment): a frame column of the office, a setting of the
 * fielding, or one constant for every case.
 */
export const HostVariableSourceSchema = z.union([
  z.strictObject({ frame: z.string().min(1) }),
  z.strictObject({ fielding: z.enum(['name', 'closesAt']) }),
  z.strictObject({ constant: z.union([z.string(), z.number(), z.boolean()]) }),
]);

/** A reference as expressions write it: `source`, `profile.givenName`. */
export const HOST_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/**
 * How one question (or one matrix column with choices of its own, keyed `<question>/<column>`)
 * becomes export variables: its variable name, and a numeric code for every choice value it has
 * ever offered. A code, once given, stays with its value in every later version and is never
 * given to another value, even after the choice is removed.
 */
export const VariableEntrySchema = z.object({
  name: z.string(),
  codes: z.array(z.object({ value: ChoiceValueSchema, code: z.number() })).optional(),
  /**
   * Column-name parts the import numbered because the value's own would make a name longer than
   * SPSS and Stata allow: `"row:<value>"`, `"column:<name>"`, `"item:<name>"` or `"choice:<code>"`
   * -> the part (`r2`). Absent parts are the value itself, as a name.
   */
  parts: z.record(z.string(), z.string().regex(/^[a-z0-9_]+$/)).optional(),
});

/** Question name (as SurveyJS has it) -> its variable entry. Absent: the identity map. */
export const VariableMapSchema = z.record(z.string(), VariableEntrySchema);

export const InstrumentMetaSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/),
  version: z.string().regex(/^\d+(\.\d+){0,2}$/),
  title: z.string().min(1),
  mode: z.enum(['self', 'interviewer']),
  referencePeriod: z.string().min(1).optional(),
  /** Absent: the codebook's estimate from the text. */
  estimatedMinutes: z.number().int().positive().optional(),
  /** The consent question and the value that means "no". Absent: no consent gate. */
  consent: z.object({ question: z.string().min(1), declineValue: ChoiceValueSchema }).optional(),
  /** Question name -> frame column whose value prefills it (shown for confirmation, editable). */
  prefill: z.record(z.string().min(1), PrefillSchema).default({}),
  /** Written by `fieldkit instruments import`; absent for instruments written to Fieldkit's conventions. */
  variables: VariableMapSchema.optional(),
  /**
   * Repeating panel name -> the name of its entry key: a number kept in each entry under that name
   * (1, 2, ... in the order entries were added, never renumbered when one is removed or moved), and
   * the key column of the panel's export table. Absent for a panel: entries are keyed by position.
   */
  panelKeys: z.record(z.string().regex(QUESTION_NAME), z.string().regex(QUESTION_NAME)).optional(),
  /**
   * Interviewer-mode instruments: the header questions a new record prefills (editable) — the site
   * (the choice whose text is the site's name), today's date, the interviewer's initials — and the
   * questions whose answer labels the record in lists (the first answered). Absent names default to
   * h_site, h_date, h_initials and [cf_code, h_role] where the instrument has those questions.
   */
  recordHeader: z
    .strictObject({
      site: z.string().regex(QUESTION_NAME).optional(),
      date: z.string().regex(QUESTION_NAME).optional(),
      initials: z.string().regex(QUESTION_NAME).optional(),
      label: z.array(z.string().regex(QUESTION_NAME)).max(5).optional(),
    })
    .optional(),
  /** Question name -> its disclosure tag for the public-use file (server/instruments/disclosure.ts). */
  disclosure: z.record(z.string().min(1), DisclosureSchema).optional(),
  /**
   * Variables the expressions read that the host app sets -> where each value comes from. The
   * import writes `null` for each one it finds undeclared; the check refuses a `null` until filled in.
   */
  hostVariables: z.record(z.string().regex(HOST_VARIABLE_NAME), HostVariableSourceSchema.nullable()).optional(),
  /** Who runs the study, shown on every respondent page; without it the survey's title names it. */
  study: z
    .object({
      name: z.string().min(1),
      contactEmail: z.email().optional(),
      header: z.string().min(1).optional(),
      footer: z.string().min(1).optional(),
    })
    // Shown as text, never as markup: a tag here would appear literally on every page.
    .refine((study) => !Object.values(study).some((text) => containsMarkup(text)), 'study texts must be plain text')
    .optional(),
});

export const InstrumentFileSchema = z.object({
  meta: InstrumentMetaSchema,
  survey: z.record(z.string(), z.unknown()),
});

export type InstrumentMeta = z.infer<typeof InstrumentMetaSchema>;
export type VariableMap = z.infer<typeof VariableMapSchema>;
export type HostVariables = NonNullable<InstrumentMeta['hostVariables']>;
export type ChoiceValue = z.infer<typeof ChoiceValueSchema>;
export type Disclosure = z.infer<typeof DisclosureSchema>;
export type InstrumentFile = z.infer<typeof InstrumentFileSchema>;
