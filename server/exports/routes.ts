import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Response } from 'express';
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
import { ExportBodySchema, RecordExportBodySchema } from './schema.js';

export type ExportRouteContext = {
  repos: { audit: AuditRepo; cases: CaseRepo; db: Db; fieldings: FieldingRepo; offices: OfficeRepo; tokens: TokenRepo };
  clock: Clock;
  exports: ExportRunner;
};

/**
 * Runs an export into a private folder of its own and answers its zip as a download; the folder is
 * removed once the zip is sent, or the export failed. Returns after the last byte was handed over.
 */
async function downloadExport(
  res: Response,
  fileName: string,
  run: (out: string) => Promise<unknown>,
): Promise<undefined> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-download-'));
  const out = path.join(dir, fileName);
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  try {
    await run(out);
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
}

const safeFileName = (text: string) => text.replace(/[^\w.-]+/g, '_');

/** The exports of the export issue and of Phase II records, for download (docs/staff-api.md). */
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
        const fileName = `${safeFileName(fielding.name)}-export-${now.toISOString().slice(0, 10)}.zip`;
        return downloadExport(res, fileName, async (out) => {
          const { audit } = await ctx.exports.run(
            { fielding: fielding.name, out, ...body, actor: auth.staff.email },
            now,
          );
          ctx.repos.audit.recordAudit(audit);
        });
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/record-exports',
      roles: ANALYSTS,
      summary:
        'Export the Phase II records of an instrument (one site or all) with the options of `fieldkit export --instrument`; answers the zip as a download.',
      body: RecordExportBodySchema,
      async handler({ auth, body, res }) {
        const now = ctx.clock();
        const where = body.site === undefined ? '' : `-${safeFileName(body.site)}`;
        const fileName = `${safeFileName(body.instrument)}${where}-records-${now.toISOString().slice(0, 10)}.zip`;
        return downloadExport(res, fileName, async (out) => {
          const { audit } = await ctx.exports.runRecords({ ...body, out, actor: auth.staff.email }, now);
          ctx.repos.audit.recordAudit(audit);
        });
      },
    }),
  ];
}
