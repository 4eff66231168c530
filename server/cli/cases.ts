import { parseArgs } from 'node:util';
import { finalDisposition } from '../cases/disposition.js';
import { createRepos } from '../repos.js';
import { type Command, osUser, required, UsageError } from './io.js';

export const caseCommands: Record<string, Command> = {
  /**
   * Records what only staff can know: an office that is not eligible, or a refusal received
   * outside the survey. Appends to the case's log; the disposition is derived from it.
   */
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
      const events = repos.cases.eventsOf(found.id);
      if (values.refused && events.some((e) => e.type === 'completed')) {
        throw new UsageError(
          `${found.office_name} has submitted the survey; a refusal cannot be recorded. Nothing changed.`,
        );
      }
      const type = values.ineligible ? 'marked_ineligible' : 'marked_refused';
      repos.cases.appendEvent(found.id, type, deps.clock().toISOString(), null, { reason, by: osUser() });
      const after = finalDisposition(
        repos.cases.eventsOf(found.id).map((e) => ({ type: e.type, detail: JSON.parse(e.detail) })),
      );
      io.out(
        `${found.office_name} (${found.office_study_id}) in ${found.fielding_name}: recorded as ${values.ineligible ? 'not eligible' : 'a refusal'}. Disposition now ${after.code} ${after.label}.`,
      );
    } finally {
      deps.db.close();
    }
  },
};
