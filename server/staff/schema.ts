import { z } from 'zod';
import { ROLES } from '../contracts/roles.js';
import { PagingQuery } from '../http/schema.js';

export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

const EmailSchema = z.email().max(254);

export const LoginBodySchema = z.strictObject({
  email: z.string().max(254),
  password: z.string().max(1024),
});

/** A person's full name as records show it (its initials prefill record headers); '' clears it. */
export const FullNameSchema = z
  .string()
  .trim()
  .max(200)
  .refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c === '<' || c === '>'),
    'must be plain text on one line',
  );

export const AddStaffBodySchema = z.strictObject({
  email: EmailSchema,
  role: RoleSchema,
  fullName: FullNameSchema.optional(),
});

export const StaffNameBodySchema = z.strictObject({ fullName: FullNameSchema });

export const RoleBodySchema = z.strictObject({ role: RoleSchema });

export const SetPasswordBodySchema = z.strictObject({
  token: z.string().min(1).max(128),
  password: z.string().max(1024),
});

/** The longest lifetime an admin may allow a personal API token. */
export const MAX_TOKEN_DAYS = 3650;

const TokenDays = z
  .number()
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS} days (10 years)`);

/** `expiresInDays` defaults to the admin's default lifetime and may not pass the admin's maximum. */
export const ApiTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  expiresInDays: TokenDays.optional(),
});

export const TokenSettingsBodySchema = z
  .strictObject({ defaultDays: TokenDays, maxDays: TokenDays })
  .superRefine((v, ctx) => {
    if (v.defaultDays > v.maxDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultDays'],
        message: `must not be more than the maximum (${v.maxDays} days)`,
      });
    }
  });

const IsoDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const AuditQuerySchema = z.strictObject({
  actor: z.string().min(1).max(254).optional(),
  action: z.string().min(1).max(64).optional(),
  /** From this moment on (a date means its start, UTC). */
  from: IsoDateTime.optional(),
  /** Before this moment (a date means the end of that day, UTC). */
  to: IsoDateTime.optional(),
  ...PagingQuery,
});

export type AuditQuery = z.infer<typeof AuditQuerySchema>;
