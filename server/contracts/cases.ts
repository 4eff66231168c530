import * as z from 'zod/mini';
import { DispositionSchema } from './dispositions.js';

/** The answers of the case routes (docs/staff-api.md): the case list, one case, its contacts and links. */

/** A case's status, from its response (none yet: not_started). */
export const CASE_STATUSES = ['not_started', 'in_progress', 'completed', 'declined'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CONTACT_STATUSES = ['active', 'undeliverable', 'opted_out'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export const RESPONSE_STATUSES = ['in_progress', 'completed', 'declined'] as const;

export const ListedCaseSchema = z.object({
  id: z.number(),
  officeId: z.string(),
  officeName: z.string(),
  state: z.string(),
  /** The county or counties (or city) the office serves, as the frame names them. */
  jurisdiction: z.string(),
  stratum: z.string(),
  status: z.enum(CASE_STATUSES),
  disposition: DispositionSchema,
  /** Percent (one decimal) of the questions shown that were answered; null before anything was saved. */
  pctAnswered: z.nullable(z.number()),
});
export type ListedCaseAnswer = z.infer<typeof ListedCaseSchema>;
export const CasePageSchema = z.object({
  cases: z.array(ListedCaseSchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  strata: z.array(z.string()),
});
export type CasePage = z.infer<typeof CasePageSchema>;

/** A link as staff see it: never its secret or hash. */
export const LINK_VIAS = ['invitation', 'reminder', 'thank_you', 'letter', 'staff'] as const;
export type LinkVia = (typeof LINK_VIAS)[number];

export const CaseLinkSchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  expiresAt: z.nullable(z.string()),
  revokedAt: z.nullable(z.string()),
  replacedBy: z.nullable(z.number()),
  live: z.boolean(),
  /** The message that carried it; 'staff' for links staff issued (the frame's links file, a reissue). */
  via: z.enum(LINK_VIAS),
  /** Which reminder, for a reminder's link. */
  viaNumber: z.nullable(z.number()),
  /** When the email carrying it was accepted by the mail server; null for letters and staff links. */
  sentAt: z.nullable(z.string()),
});
export type CaseLink = z.infer<typeof CaseLinkSchema>;

export const ContactSchema = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  title: z.nullable(z.string()),
  status: z.enum(CONTACT_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  links: z.array(CaseLinkSchema),
});
export type Contact = z.infer<typeof ContactSchema>;

export const OfficeSchema = z.object({
  officeId: z.string(),
  officeName: z.string(),
  state: z.string(),
  jurisdiction: z.nullable(z.string()),
  population: z.nullable(z.number()),
  stratum: z.string(),
  addressLine1: z.nullable(z.string()),
  addressLine2: z.nullable(z.string()),
  city: z.nullable(z.string()),
  zip: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  /** The frame's further columns, by name. */
  attributes: z.record(z.string(), z.string()),
});
export type Office = z.infer<typeof OfficeSchema>;

/** An event with its sentence (`summary`) for people; `type` and `detail` stay for scripts. */
export const CaseEventSchema = z.object({
  id: z.number(),
  type: z.string(),
  at: z.string(),
  tokenId: z.nullable(z.number()),
  detail: z.unknown(),
  summary: z.string(),
});
export type CaseEvent = z.infer<typeof CaseEventSchema>;

/** The response's progress only: answers leave by export, never by the staff API. */
export const CaseProgressSchema = z.object({
  status: z.enum(RESPONSE_STATUSES),
  instrumentVersion: z.string(),
  pctAnswered: z.nullable(z.number()),
  currentPage: z.number(),
  revision: z.number(),
  startedAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.nullable(z.string()),
  declinedAt: z.nullable(z.string()),
});
export type CaseProgress = z.infer<typeof CaseProgressSchema>;

/** GET /api/staff/cases/:id. A case always has its office (cases.office_id REFERENCES offices). */
export const CaseDetailSchema = z.object({
  case: z.object({ id: z.number(), fielding: z.string(), instrument: z.string(), disposition: DispositionSchema }),
  office: OfficeSchema,
  contacts: z.array(ContactSchema),
  events: z.array(CaseEventSchema),
  response: z.nullable(CaseProgressSchema),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;

/** A clear link, shown once: the only time its secret leaves the server outside the links file. */
export const IssuedLinkSchema = z.object({
  office_id: z.string(),
  office_name: z.string(),
  contact_name: z.string(),
  contact_email: z.string(),
  link: z.string(),
  access_code: z.string(),
});
export type IssuedLink = z.infer<typeof IssuedLinkSchema>;

export const RevokedLinkSchema = z.object({ link: z.nullable(CaseLinkSchema) });
export const ReissuedLinkSchema = z.object({ link: IssuedLinkSchema });
export const MarkedSchema = z.object({ disposition: DispositionSchema });
export const OneContactSchema = z.object({ contact: ContactSchema });
