import { pipeline } from 'node:stream/promises';
import type { AuditRepo } from '../audit/repo.js';
import { ANALYSTS } from '../contracts/roles.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { Clock } from '../platform/clock.js';
import type { SiteRepo } from '../sites/repo.js';
import { qdpxStream } from './qdpx.js';
import type { QdpxRepo } from './qdpxRepo.js';
import { NotesExportBodySchema, NotesSiteParamsSchema } from './qdpxSchema.js';
import { exportInterviewNotes } from './qdpxService.js';

export type NotesExportRouteContext = {
  repos: { qdpx: QdpxRepo; sites: SiteRepo; audit: AuditRepo };
  instruments: InstrumentRegistry;
  clock: Clock;
};

/** The interview notes of a site as a REFI-QDA project, for download (docs/staff-api.md). */
export function notesExportRoutes(ctx: NotesExportRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'post',
      path: '/api/staff/sites/:siteId/interview-notes',
      roles: ANALYSTS,
      summary:
        "Streams the site's interview notes as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder.",
      params: NotesSiteParamsSchema,
      body: NotesExportBodySchema,
      async handler({ auth, params, body, res }) {
        const notes = exportInterviewNotes(ctx, {
          site: { id: params.siteId },
          includeInProgress: body.includeInProgress,
          actor: auth.staff.email,
        });
        // Recorded as the notes start to leave: a download cut short has still handed some of them out.
        ctx.repos.audit.recordAudit(notes.audit);
        res.attachment(notes.fileName);
        res.type('application/zip');
        try {
          await pipeline(qdpxStream(notes.project, notes.at), res);
        } catch (err) {
          // Once bytes are out, a broken connection is the client's loss, not an error to answer.
          if (!res.headersSent) throw err;
        }
        return undefined;
      },
    }),
  ];
}
