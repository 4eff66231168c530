import type { AuditRepo } from '../audit/repo.js';
import type { CaseRepo } from '../cases/repo.js';
import { MailingPlanSchema, MailingsSchema, ResendAnswerSchema } from '../contracts/mailings.js';
import { FIELDWORK_STAFF } from '../contracts/roles.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { FieldingParamsSchema } from '../fieldings/schema.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import type { TokenRepo } from '../tokens/repo.js';
import { estimateWave } from './estimate.js';
import { presentAttempt, presentInterrupted, presentSendCount } from './present.js';
import type { MailingRepo } from './repo.js';
import type { MailingRunner } from './runner.js';
import { ResendInterruptedBodySchema, StartMailingBodySchema } from './schema.js';
import { planInvitations, resendInterrupted } from './service.js';

export type MailingRouteContext = {
  repos: {
    audit: AuditRepo;
    cases: CaseRepo;
    db: Db;
    fieldings: FieldingRepo;
    mailings: MailingRepo;
    offices: OfficeRepo;
    tokens: TokenRepo;
  };
  clock: Clock;
  mailings: MailingRunner;
};

/** How many SMTP attempts the console's mailing panel lists. */
const RECENT_ATTEMPTS = 50;

/** Sending invitations from the console, and its progress (docs/staff-api.md). */
export function mailingRoutes(ctx: MailingRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings/:name/mailings',
      roles: FIELDWORK_STAFF,
      summary:
        'Plan the invitations of every case not yet invited (counts of planned and skipped) and send them in the background; dryRun counts only.',
      params: FieldingParamsSchema,
      body: StartMailingBodySchema,
      answer: MailingPlanSchema,
      handler({ auth, params, body, res }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        ctx.mailings.assertCanStart(fielding.id);
        const at = ctx.clock().toISOString();
        const plan = planInvitations(ctx.repos, fielding.id, at, { dryRun: body.dryRun === true });
        if (body.dryRun) return plan;
        ctx.repos.audit.recordAudit({
          at,
          actor: auth.staff.email,
          action: 'mailing.start',
          fielding: fielding.name,
          detail: { kind: body.kind, planned: plan.planned },
        });
        ctx.mailings.start(fielding.id, [body.kind]);
        res.status(202);
        return plan;
      },
    }),
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/mailings',
      roles: FIELDWORK_STAFF,
      summary:
        'Whether email is on, whether a mailing runs, the invitations still queued and when they will be out at the pace, counts of messages by kind and status, the last 50 SMTP attempts.',
      params: FieldingParamsSchema,
      query: EmptyQuerySchema,
      answer: MailingsSchema,
      handler({ params }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        const wave = estimateWave(ctx.repos, fielding.id, ['invitation'], ctx.clock());
        return {
          email: { enabled: ctx.mailings.enabled, from: ctx.mailings.from },
          running: ctx.mailings.isRunning(fielding.id),
          waiting: { invitations: wave.queued, perMinute: wave.perMinute, outBy: wave.outBy },
          counts: ctx.repos.mailings.statusCounts(fielding.id).map(presentSendCount),
          recent: ctx.repos.mailings.recentAttempts(fielding.id, RECENT_ATTEMPTS).map(presentAttempt),
          interrupted: ctx.repos.mailings.interruptedOf(fielding.id).map(presentInterrupted),
        };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings/:name/mailings/interrupted',
      roles: FIELDWORK_STAFF,
      summary:
        'Send interrupted messages again (all, or the chosen ids) once staff checked they did not arrive: each is queued once as a fresh message, audited, and sent in the background.',
      params: FieldingParamsSchema,
      body: ResendInterruptedBodySchema,
      answer: ResendAnswerSchema,
      handler({ auth, params, body }) {
        const fielding = findFieldingOrFail(ctx.repos, params.name);
        if (!ctx.mailings.enabled) ctx.mailings.assertCanStart(fielding.id);
        const at = ctx.clock().toISOString();
        const { resent, notInterrupted } = resendInterrupted(ctx.repos, fielding, body.sends, at, auth.staff.email);
        if (resent.length > 0) ctx.mailings.start(fielding.id, [...new Set(resent.map((r) => r.kind))]);
        return { resent: resent.length, notInterrupted };
      },
    }),
  ];
}
