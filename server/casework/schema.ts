import { z } from 'zod';
import { CASE_STATUSES } from '../contracts/cases.js';
import { DISPOSITIONS } from '../contracts/dispositions.js';
import { PagingQuery, PathId } from '../http/schema.js';
import { FrameOfficeSchema } from '../offices/frame.js';

export const CASE_SORTS = ['office_name', 'state', 'jurisdiction', 'stratum', 'status', 'disposition'] as const;

const DISPOSITION_CODES = Object.values(DISPOSITIONS).map((d) => d.code) as [string, ...string[]];

export const CaseListQuerySchema = z.strictObject({
  ...PagingQuery,
  sort: z.enum(CASE_SORTS).default('office_name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  stratum: z.string().min(1).max(100).optional(),
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter postal code')
    .transform((s) => s.toUpperCase())
    .optional(),
  status: z.enum(CASE_STATUSES).optional(),
  disposition: z.enum(DISPOSITION_CODES).optional(),
  /** Free text found anywhere in the office's name, ID or jurisdiction, in any case, accents ignored. */
  q: z.string().trim().min(1).max(100).optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuerySchema>;

export const CaseParamsSchema = z.strictObject({ id: PathId });
export const CaseTokenParamsSchema = z.strictObject({ id: PathId, tokenId: PathId });
export const CaseContactParamsSchema = z.strictObject({ id: PathId, contactId: PathId });

const Reason = z.string().trim().min(1, 'a reason is required').max(500);

export const MarkCaseBodySchema = z.strictObject({ as: z.enum(['refused', 'ineligible']), reason: Reason });

/**
 * A calendar day as YYYY-MM-DD (a real date; not after today is the service's check, which knows
 * the clock): the day staff handed the links out.
 */
export const HandedOutDay = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD, e.g. 2027-02-01')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00.000Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');

export const MarkInvitedBodySchema = z.strictObject({ on: HandedOutDay });

/** The frame's own rules for a contact's email (plausible, stored in lower case). */
const ContactEmail = FrameOfficeSchema.shape.contact_email;
const ContactName = z.string().trim().min(1).max(200);
const ContactTitle = z.string().trim().max(200);

export const AddContactBodySchema = z.strictObject({
  name: ContactName,
  email: ContactEmail,
  title: ContactTitle.optional(),
});

export const EditContactBodySchema = z
  .strictObject({
    name: ContactName.optional(),
    email: ContactEmail.optional(),
    title: ContactTitle.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, email, title');

export const UndeliverableBodySchema = z.strictObject({ reason: z.string().trim().max(500).optional() });
