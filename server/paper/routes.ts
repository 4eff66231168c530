import { InstrumentVersionParamsSchema } from '../catalog/routes.js';
import { STUDY_STAFF } from '../contracts/roles.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import { AppError } from '../platform/errors.js';
import type { RandomBytes } from '../platform/secrets.js';
import { instrumentHtml } from './instrumentHtml.js';
import { paperInstrument } from './layout.js';

export type PaperRouteContext = { instruments: InstrumentRegistry; random: RandomBytes };

/**
 * This page's own policy, stricter than the app's: nothing but its own style sheet and print
 * script, both admitted by a nonce that is new on every request.
 */
const paperPolicy = (nonce: string) =>
  [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/** The printable blank questionnaire (docs/staff-api.md). */
export function paperRoutes(ctx: PaperRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/instruments/:id/:version/paper',
      roles: STUDY_STAFF,
      summary: 'A blank paper copy of one instrument version as a printable HTML page, skip instructions in words.',
      params: InstrumentVersionParamsSchema,
      query: EmptyQuerySchema,
      handler({ params, res }) {
        const instrument = ctx.instruments.get(params.id, params.version);
        if (!instrument) {
          throw new AppError(404, 'not_found', `No instrument ${params.id}@${params.version} is loaded.`);
        }
        const nonce = ctx.random(18).toString('base64');
        res.set('Content-Security-Policy', paperPolicy(nonce));
        res.type('html').send(instrumentHtml(paperInstrument(instrument), { nonce, printButton: true }));
        return undefined;
      },
    }),
  ];
}
