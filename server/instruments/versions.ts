import path from 'node:path';
import type { Db } from '../platform/db.js';
import type { InstrumentRegistry } from './registry.js';
import { createInstrumentVersionRepo } from './repo.js';

export class InstrumentVersionError extends Error {}

/**
 * Versions that changed on disk after respondents answered them. Their answers were given to the
 * old wording and codes, so such a change must become a new version instead.
 */
export function changedVersionProblems(db: Db, registry: InstrumentRegistry): string[] {
  const repo = createInstrumentVersionRepo(db);
  const problems: string[] = [];
  for (const instrument of registry.all()) {
    const { id, version } = instrument.meta;
    const known = repo.findVersion(id, version);
    if (!known || known.content_hash === instrument.contentHash) continue;
    const responses = repo.countResponses(id, version);
    if (responses > 0) {
      problems.push(
        `${path.basename(instrument.file)}: ${instrument.key} has changed since ${responses} response(s) were given on it ` +
          `(content hash ${known.content_hash.slice(0, 12)}… is now ${instrument.contentHash.slice(0, 12)}…). ` +
          'Restore the file, and put the change in a new version (copy the file and raise meta.version).',
      );
    }
  }
  return problems;
}

/**
 * Records each loaded version's content hash, refusing (and changing nothing) if a version that
 * has responses changed. A version nobody has answered yet may still be edited.
 */
export function recordInstrumentVersions(db: Db, registry: InstrumentRegistry, at: string): void {
  const problems = changedVersionProblems(db, registry);
  if (problems.length > 0) throw new InstrumentVersionError(problems.join('\n'));
  const repo = createInstrumentVersionRepo(db);
  db.transaction(() => {
    for (const instrument of registry.all()) {
      const { id, version } = instrument.meta;
      const known = repo.findVersion(id, version);
      if (!known) repo.insertVersion(id, version, instrument.contentHash, at);
      else if (known.content_hash !== instrument.contentHash)
        repo.updateVersionHash(id, version, instrument.contentHash, at);
    }
  })();
}
