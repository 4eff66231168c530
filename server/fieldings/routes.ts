import type { AuditRepo } from '../audit/repo.js';
import { linksCsv } from '../cases/links.js';
import { FieldingListSchema, FieldingVersionSchema, OneFieldingSchema } from '../contracts/fieldings.js';
import { FIELDWORK_STAFF, STUDY_STAFF } from '../contracts/roles.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { type FrameResult, formatFrameProblem } from '../offices/frame.js';
import { parseFrameInThread } from '../offices/frameThread.js';
import { AppError } from '../platform/errors.js';
import { presentFielding } from './present.js';
import type { FieldingRepo } from './repo.js';
import {
  CreateFieldingQuerySchema,
  DispositionThresholdsBodySchema,
  FieldingParamsSchema,
  FieldingVersionBodySchema,
  MAX_FRAME_BYTES,
  PatchFieldingBodySchema,
  SHOWN_FRAME_PROBLEMS,
} from './schema.js';
import type { FieldingContext } from './service.js';
import { changeFieldingVersion, createFielding, setClosingDate, setDispositionThresholds } from './service.js';

/** The repositories this module uses. */
type Repos = { audit: AuditRepo; fieldings: FieldingRepo };

export type FieldingRouteContext = FieldingContext;

function fieldingSummary(repos: Repos, name: string) {
  const found = repos.fieldings.listFieldings().find((f) => f.name === name);
  if (!found) throw new AppError(404, 'not_found', `No fielding named "${name}".`);
  return presentFielding(found);
}

/** The frame's problems as the CLI prints them, the first 200 of them, and how many more there are. */
function frameRefused(file: string, problems: FrameResult & { ok: false }) {
  const all = problems.problems;
  const shown = all.slice(0, SHOWN_FRAME_PROBLEMS).map((p) => ({ ...p, text: formatFrameProblem(file, p) }));
  return new AppError(422, 'frame_invalid', `${file}: ${all.length} problem(s); nothing was imported.`, {
    problems: shown,
    total: all.length,
    more: all.length - shown.length,
  });
}

/** Fieldings: list, create from a frame upload, closing date, instrument version (docs/staff-api.md). */
export function fieldingRoutes(ctx: FieldingRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings',
      roles: STUDY_STAFF,
      summary: 'Every fielding with its instrument version and number of cases.',
      query: EmptyQuerySchema,
      answer: FieldingListSchema,
      handler() {
        return { fieldings: ctx.repos.fieldings.listFieldings().map(presentFielding) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings',
      roles: FIELDWORK_STAFF,
      summary:
        'Create a fielding from a frame sent as the text/csv body (≤ 10 MB, UTF-8); returns its links and access codes, once.',
      upload: {
        mediaType: 'text/csv',
        limitBytes: MAX_FRAME_BYTES,
        tooLarge: `The frame is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB; a frame of every U.S. prosecutor's office is well under 1 MB. Check that this is the right file.`,
      },
      query: CreateFieldingQuerySchema,
      async handler({ auth, query, file: frameBytes, req, res }) {
        const file = query.file ?? 'frame.csv';
        // The CLI's own path: the same parser (in a thread), the same problems, the same all-or-nothing import.
        const frame = await parseFrameInThread(frameBytes);
        if (!frame.ok) throw frameRefused(file, frame);
        const created = createFielding(ctx, {
          name: query.name,
          instrument: query.instrument,
          offices: frame.offices,
          closesAt: query.closes,
          // Inside the import's transaction: an import is never stored without its audit entry.
          deliver: (links) =>
            ctx.repos.audit.recordAudit({
              at: ctx.clock().toISOString(),
              actor: auth.staff.email,
              action: 'fielding.create',
              fielding: query.name,
              detail: { file, offices: frame.offices.length, links: links.length },
            }),
        });
        res.status(201);
        if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
          res
            .attachment(`${query.name.replace(/[^\w.-]+/g, '_')}-links.csv`)
            .type('text/csv')
            .send(linksCsv(created.links));
          return undefined;
        }
        return { fielding: fieldingSummary(ctx.repos, query.name), links: created.links };
      },
    }),
    staffRoute({
      method: 'patch',
      path: '/api/staff/fieldings/:name',
      roles: FIELDWORK_STAFF,
      summary: "Set or remove the fielding's closing date (links stop working after that UTC day).",
      params: FieldingParamsSchema,
      body: PatchFieldingBodySchema,
      answer: OneFieldingSchema,
      handler({ auth, params, body }) {
        setClosingDate(ctx, { fielding: params.name, closesAt: body.closes, actor: auth.staff.email });
        return { fielding: fieldingSummary(ctx.repos, params.name) };
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/fieldings/:name/thresholds',
      roles: FIELDWORK_STAFF,
      summary:
        'Set the disposition thresholds {complete, partial} in percent of the questions shown answered (0 < partial < complete ≤ 100).',
      params: FieldingParamsSchema,
      body: DispositionThresholdsBodySchema,
      answer: OneFieldingSchema,
      handler({ auth, params, body }) {
        setDispositionThresholds(ctx, { fielding: params.name, ...body, actor: auth.staff.email });
        return { fielding: fieldingSummary(ctx.repos, params.name) };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings/:name/version',
      roles: FIELDWORK_STAFF,
      summary: 'Move the fielding to another version of its instrument; started responses stay on theirs.',
      params: FieldingParamsSchema,
      body: FieldingVersionBodySchema,
      answer: FieldingVersionSchema,
      handler({ auth, params, body }) {
        const moved = changeFieldingVersion(ctx, {
          fielding: params.name,
          version: body.version,
          actor: auth.staff.email,
        });
        return {
          fielding: fieldingSummary(ctx.repos, params.name),
          from: moved.from,
          to: moved.to,
          started: moved.started.map((s) => ({ version: s.instrument_version, responses: s.n })),
        };
      },
    }),
  ];
}
