import { z } from 'zod';
import { PreviewSchema } from '../contracts/instruments.js';
import { STUDY_STAFF } from '../contracts/roles.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import type { RandomBytes } from '../platform/secrets.js';
import type { PreviewContext } from './service.js';
import { startPreview } from './service.js';

export type PreviewRouteContext = PreviewContext & { random: RandomBytes; publicUrl: string };

const PreviewParamsSchema = z.strictObject({
  id: z.string().min(1).max(64),
  version: z.string().min(1).max(50),
});

/** Staff try an instrument version in the real respondent app; test answers never reach a case. */
export function previewRoutes(ctx: PreviewRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'post',
      path: '/api/staff/instruments/:id/:version/preview',
      roles: STUDY_STAFF,
      summary:
        'Start a two-hour test-mode preview of one instrument version; answers the link for the respondent app (shown once).',
      params: PreviewParamsSchema,
      query: EmptyQuerySchema,
      answer: PreviewSchema,
      handler({ auth, params, res }) {
        const preview = startPreview(ctx, params.id, params.version, auth.staff.email);
        res.status(201);
        return preview;
      },
    }),
  ];
}
