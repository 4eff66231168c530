import { z } from 'zod';
import { PathId } from '../http/schema.js';

const SiteName = z.string().trim().min(1, 'a site needs a name').max(200);
const Jurisdiction = z.string().trim().min(1, 'name the jurisdiction (e.g. "San Diego County, CA")').max(200);
const Notes = z.string().trim().max(4000);

export const AddSiteBodySchema = z.strictObject({
  name: SiteName,
  jurisdiction: Jurisdiction,
  notes: Notes.default(''),
});

export const PatchSiteBodySchema = z
  .strictObject({ name: SiteName.optional(), jurisdiction: Jurisdiction.optional(), notes: Notes.optional() })
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, jurisdiction, notes');

export const SiteInterviewersBodySchema = z.strictObject({
  staffIds: z.array(z.number().int().positive()).max(500),
});

export const SiteInstrumentsBodySchema = z.strictObject({
  instrumentIds: z.array(z.string().min(1).max(64)).max(100),
});

export const SiteParamsSchema = z.strictObject({ siteId: PathId });

export type AddSiteBody = z.infer<typeof AddSiteBodySchema>;
export type PatchSiteBody = z.infer<typeof PatchSiteBodySchema>;
