import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import { ANALYSTS } from '../contracts/roles.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { FieldingParamsSchema } from '../fieldings/schema.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import type { TokenRepo } from '../tokens/repo.js';
import type { ExportRunner } from './runner.js';
import { ExportBodySchema } from './schema.js';

export type ExportRouteContext = {
  repos: { audit: AuditRepo; cases: CaseRepo; db: Db; fieldings: FieldingRepo; offices: OfficeRepo; tokens: TokenRepo };
  clock: Clock;
  exports: ExportRunner;
};

/** The exports of the export issue, for download (docs/staff-api.md). */
export function exportRoutes(ctx: ExportRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings/:name/exports',
      roles: ANALYSTS,
      summary: 'Export the fielding with the options of `fieldkit export`; answers the zip as a download.',
      params: FieldingParamsSchema,
      body: ExportBodySchema,
      async handler({ auth, params, body, res }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        const now = ctx.clock();
        const fileName = `${fielding.name.replace(/[^\w.-]+/g, '_')}-export-${now.toISOString().slice(0, 10)}.zip`;
        // A private folder per download, removed once the zip is sent (or the export failed).
        const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-download-'));
        const out = path.join(dir, fileName);
        const cleanUp = () => rmSync(dir, { recursive: true, force: true });
        try {
          const { audit } = await ctx.exports.run(
            { fielding: fielding.name, out, ...body, actor: auth.staff.email },
            now,
          );
          ctx.repos.audit.recordAudit(audit);
        } catch (err) {
          cleanUp();
          throw err;
        }
        await new Promise<void>((resolve, reject) => {
          res.download(out, fileName, { headers: { 'Content-Type': 'application/zip' } }, (err) => {
            cleanUp();
            // Once headers are out, a broken connection is the client's loss, not an error to answer.
            if (err && !res.headersSent) reject(err);
            else resolve();
          });
        });
        return undefined;
      },
    }),
  ];
}
