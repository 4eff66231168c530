import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { type Db, migrate, openDatabase } from '../../server/platform/db.js';

/**
 * A fresh, migrated database on disk in a folder of its own (for tests that also write files, such
 * as exports, beside it); both are removed when the test ends.
 */
export function tempDatabase(prefix: string): { db: Db; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const db = openDatabase(path.join(dir, 'fieldkit.db'));
  migrate(db);
  onTestFinished(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, dir };
}
