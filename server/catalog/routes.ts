import { z } from 'zod';
import { buildCodebook } from '../codebook/build.js';
import { codebookHtml } from '../codebook/render.js';
import { InstrumentListSchema } from '../contracts/instruments.js';
import { STUDY_STAFF } from '../contracts/roles.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import type { Instrument, InstrumentRegistry } from '../instruments/registry.js';
import { AppError } from '../platform/errors.js';

export const InstrumentVersionParamsSchema = z.strictObject({
  id: z.string().min(1).max(64),
  version: z.string().min(1).max(50),
});
const CodebookQuerySchema = z.strictObject({ format: z.enum(['json', 'html']).default('json') });

export type CatalogRouteContext = { instruments: InstrumentRegistry };

const byVersion = (a: Instrument, b: Instrument) =>
  b.meta.version.localeCompare(a.meta.version, 'en', { numeric: true });

/** Instruments loaded on this server, their versions and hashes, and each version's codebook. */
export function catalogRoutes(ctx: CatalogRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/instruments',
      roles: STUDY_STAFF,
      summary: 'Every loaded instrument with its versions (newest first) and their content hashes.',
      query: EmptyQuerySchema,
      answer: InstrumentListSchema,
      handler() {
        const ids = [...new Set(ctx.instruments.all().map((i) => i.meta.id))].sort();
        return {
          instruments: ids.map((id) => {
            const versions = ctx.instruments
              .all()
              .filter((i) => i.meta.id === id)
              .sort(byVersion);
            return {
              id,
              title: (versions[0] as Instrument).meta.title,
              versions: versions.map((i) => ({
                version: i.meta.version,
                key: i.key,
                title: i.meta.title,
                mode: i.meta.mode,
                contentHash: i.contentHash,
              })),
            };
          }),
        };
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/instruments/:id/:version/codebook',
      roles: STUDY_STAFF,
      summary: 'The codebook of one instrument version, as JSON (default) or ?format=html.',
      params: InstrumentVersionParamsSchema,
      query: CodebookQuerySchema,
      handler({ params, query, res }) {
        const instrument = ctx.instruments.get(params.id, params.version);
        if (!instrument) {
          throw new AppError(404, 'not_found', `No instrument ${params.id}@${params.version} is loaded.`);
        }
        const codebook = buildCodebook(instrument);
        if (query.format === 'json') return { codebook };
        res.type('html').send(codebookHtml(codebook));
        return undefined;
      },
    }),
  ];
}
