import { FIELDWORK_STAFF } from '../contracts/roles.js';
import type { StaffRoute } from '../http/registry.js';
import { staffRoute } from '../http/registry.js';
import { readBounceFileInThread } from './dsnThread.js';
import { BOUNCE_MEDIA_TYPES, MAX_BOUNCE_BYTES, ReadBouncesQuerySchema } from './schema.js';
import type { BounceContext } from './service.js';
import { applyBounces } from './service.js';

export type BounceRouteContext = BounceContext;

/** Delivery-status notifications uploaded from the console: `fieldkit bounces read` over HTTP. */
export function bounceRoutes(ctx: BounceRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'post',
      path: '/api/staff/bounces',
      roles: FIELDWORK_STAFF,
      summary:
        'Read bounces (an mbox or one .eml as the body): permanent failures mark their contacts undeliverable; all or nothing.',
      upload: {
        mediaType: BOUNCE_MEDIA_TYPES,
        limitBytes: MAX_BOUNCE_BYTES,
        tooLarge: `The file is larger than ${MAX_BOUNCE_BYTES / 1024 / 1024} MB; split the mailbox and send the parts one by one.`,
      },
      query: ReadBouncesQuerySchema,
      async handler({ auth, query, file }) {
        const name = query.file ?? 'bounces';
        const dryRun = query.dryRun === 'true';
        // Read in a thread: a hostile or merely large mailbox must not hold respondents' requests.
        const messages = await readBounceFileInThread(file);
        const [report] = applyBounces(ctx, {
          files: [{ name, messages }],
          actor: auth.staff.email,
          dryRun,
        });
        return { dryRun, report };
      },
    }),
  ];
}
