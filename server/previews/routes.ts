import { z } from 'zod';
import { STUDY_STAFF } from '../contracts/roles.js';
import { type StaffRoute, staffRoute } from '../staff/registry.js';
import { EmptyQuerySchema } from '../staff/schema.js';
import { startPreview } from './service.js';

const PreviewParamsSchema = z.strictObject({
  id: z.string().min(1).max(64),
  version: z.string().min(1).max(50),
});

/** Staff try an instrument version in the real respondent app; test answers never reach a case. */
export const PREVIEW_ROUTES: readonly StaffRoute[] = [
  staffRoute({
    method: 'post',
    path: '/api/staff/instruments/:id/:version/preview',
    roles: STUDY_STAFF,
    summary:
      'Start a two-hour test-mode preview of one instrument version; answers the link for the respondent app (shown once).',
    params: PreviewParamsSchema,
    query: EmptyQuerySchema,
    handler({ ctx, auth, params, res }) {
      const preview = startPreview(ctx, params.id, params.version, auth.staff.email);
      res.status(201);
      return preview;
    },
  }),
];
