import { parseArgs } from 'node:util';
import { HandedOutDay } from '../casework/schema.js';
import { markCase, markInvited, markIssuedInvited } from '../casework/service.js';
import { AppError } from '../platform/errors.js';
import { createRepos } from '../repos.js';
import { type Command, osUser, required, UsageError } from './io.js';

export const caseCommands: Record<string, Command> = {
  /** Records an ineligible office or a refusal received outside the survey (cases/service.ts markCase). */
  'case mark'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        office: { type: 'string' },
        ineligible: { type: 'boolean', default: false },
        refused: { type: 'boolean', default: false },
        reason: { type: 'string' },
      },
    });
    const v = required({ fielding: values.fielding, office: values.office, reason: values.reason }, [
      'fielding',
      'office',
      'reason',
    ]);
    if (values.ineligible === values.refused) throw new UsageError('Give exactly one of --ineligible or --refused.');
    const reason = (v.reason as string).trim();
    if (reason.length === 0 || reason.length > 500) throw new UsageError('--reason must be 1 to 500 characters.');
    const deps = runtime();
    try {
      const repos = createRepos(deps.db);
      const found = repos.cases.findCaseByNames(v.fielding as string, v.office as string);
      if (!found) {
        throw new UsageError(`No case for office "${v.office}" in fielding "${v.fielding}".`);
      }
      let after: ReturnType<typeof markCase>['disposition'];
      try {
        after = markCase(
          { repos, clock: deps.clock },
          { caseId: found.id, as: values.ineligible ? 'ineligible' : 'refused', reason, actor: osUser() },
        ).disposition;
      } catch (err) {
        if (err instanceof AppError && err.code === 'already_submitted') throw new UsageError(err.message);
        throw err;
      }
      io.out(
        `${found.office_name} (${found.office_study_id}) in ${found.fielding_name}: recorded as ${values.ineligible ? 'not eligible' : 'a refusal'}. Disposition now ${after.code} ${after.label}.`,
      );
    } finally {
      deps.db.close();
    }
  },
  /**
   * Records that links were handed out another way (by hand, by phone) on a day: one office, or
   * every case whose links were issued and that nothing has invited yet (the links file handed out).
   */
  'case invited'(args, io, runtime) {
    const { values } = parseArgs({
      args,
      options: {
        fielding: { type: 'string' },
        office: { type: 'string' },
        'all-issued': { type: 'boolean', default: false },
        on: { type: 'string' },
      },
    });
    const v = required({ fielding: values.fielding, on: values.on }, ['fielding', 'on']);
    if ((values.office === undefined) === !values['all-issued']) {
      throw new UsageError('Give exactly one of --office <office_id> or --all-issued.');
    }
    const day = HandedOutDay.safeParse(v.on);
    if (!day.success) throw new UsageError(`--on ${day.error.issues[0]?.message ?? 'is not a date'} (got "${v.on}").`);
    const deps = runtime();
    try {
      const repos = createRepos(deps.db);
      const ctx = { repos, clock: deps.clock };
      const fielding = repos.fieldings.findFieldingByName(v.fielding as string);
      if (!fielding) throw new UsageError(`No fielding "${v.fielding}".`);
      try {
        if (values.office === undefined) {
          const n = markIssuedInvited(ctx, {
            fieldingId: fielding.id,
            fielding: fielding.name,
            on: day.data,
            actor: osUser(),
          });
          io.out(
            `${fielding.name}: ${n} case${n === 1 ? '' : 's'} recorded as invited on ${day.data} (links handed out); cases already invited by email, letter or an earlier record are unchanged.`,
          );
          return;
        }
        const found = repos.cases.findCaseByNames(fielding.name, values.office);
        if (!found) throw new UsageError(`No case for office "${values.office}" in fielding "${fielding.name}".`);
        const after = markInvited(ctx, { caseId: found.id, on: day.data, actor: osUser() }).disposition;
        io.out(
          `${found.office_name} (${found.office_study_id}) in ${found.fielding_name}: recorded as invited on ${day.data}. Disposition now ${after.code} ${after.label}.`,
        );
      } catch (err) {
        if (err instanceof AppError && err.code === 'date_in_future') throw new UsageError(err.message);
        throw err;
      }
    } finally {
      deps.db.close();
    }
  },
};
