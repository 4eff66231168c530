import { parseArgs } from 'node:util';
import { markCase } from '../casework/service.js';
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
};
