import { z } from 'zod';
import { ROLES } from './roles.js';

export { ROLES };
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** A positive whole number in a path (`/cases/12`). */
export const PathId = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number')
  .transform(Number);

const EmailSchema = z.email().max(254);

export const LoginBodySchema = z.strictObject({
  email: z.string().max(254),
  password: z.string().max(1024),
});

export const AddStaffBodySchema = z.strictObject({ email: EmailSchema, role: RoleSchema });

export const RoleBodySchema = z.strictObject({ role: RoleSchema });

export const SetPasswordBodySchema = z.strictObject({
  token: z.string().min(1).max(128),
  password: z.string().max(1024),
});

export const ApiTokenBodySchema = z.strictObject({ name: z.string().trim().min(1).max(80) });

export const IdParamsSchema = z.strictObject({ id: PathId });

/** `page` from 1 and `pageSize` 1–200 (default 50), as query strings. */
export const PagingQuery = {
  page: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a page number')
    .transform(Number)
    .pipe(z.number().min(1, 'pages start at 1'))
    .default(1),
  pageSize: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().min(1).max(200))
    .default(50),
};

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

export const EmptyQuerySchema = z.strictObject({});

export type AuditQuery = z.infer<typeof AuditQuerySchema>;
