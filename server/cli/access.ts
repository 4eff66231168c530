import { parseArgs } from 'node:util';
import { createRepos } from '../repos.js';
import { type Command, UsageError } from './io.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Staff-side view of the look-up throttle: the counters that replace a global lockout. */
export const accessCommands: Record<string, Command> = {
  'access stats'(args, io, runtime) {
    const { values } = parseArgs({ args, options: { days: { type: 'string', default: '7' } } });
    if (!/^\d{1,3}$/.test(values.days) || Number(values.days) < 1) {
      throw new UsageError(`--days must be a whole number of days from 1 to 999, not "${values.days}".`);
    }
    const deps = runtime();
    try {
      const { access } = createRepos(deps.db);
      const nowMs = deps.clock().getTime();
      const since = new Date(nowMs - (Number(values.days) - 1) * DAY_MS).toISOString().slice(0, 10);
      const days = access.daysSince(since);
      io.out(`Failed look-ups of links and access codes since ${since} (UTC days):`);
      if (days.length === 0) io.out('  none');
      for (const d of days) io.out(`  ${d.day}  ${d.kind.padEnd(4)}  ${d.failures} failures from ${d.clients} clients`);
      const blocked = access.blockedAt(nowMs, 20);
      io.out(`Clients waiting now: ${access.countBlockedAt(nowMs)}`);
      for (const b of blocked) {
        const wait = Math.ceil((b.blocked_until_ms - nowMs) / 1000);
        io.out(`  ${b.client}  ${b.kind}  ${b.failures} failures, next try in ${wait} s`);
      }
      io.out('Valid links and codes are served to every client, waiting or not.');
    } finally {
      deps.db.close();
    }
  },
};
