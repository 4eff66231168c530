import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Db, migrate, openDatabase } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { createRehearsalRepo } from './repo.js';

export const DATABASE_NAME = 'fieldkit.db';

/**
 * Copies the live database into `toDir`/fieldkit.db and marks the copy as a rehearsal. SQLite's
 * online backup (better-sqlite3's `db.backup`) reads a consistent snapshot, the write-ahead log
 * included, while the server goes on writing: copying the file itself could catch it half-written
 * or leave the -wal file's commits behind. The copy is marked before anything else can open it.
 */
export async function copyForRehearsal(live: Db, liveFile: string, toDir: string, at: string): Promise<string> {
  const target = path.join(toDir, DATABASE_NAME);
  if (path.resolve(target) === path.resolve(liveFile)) {
    throw new AppError(
      400,
      'rehearsal_same_database',
      `--to ${toDir} is the live data folder: give a new folder for the copy.`,
    );
  }
  if (existsSync(target)) {
    throw new AppError(
      409,
      'rehearsal_target_exists',
      `${target} already exists: give a new folder, or delete that copy first.`,
    );
  }
  // Created 0600 in a 0700 folder first (openDatabase), so the copy is as private as the original.
  openDatabase(target).close();
  await live.backup(target);
  const copy = openDatabase(target);
  try {
    migrate(copy);
    createRehearsalRepo(copy).markRehearsalCopy(path.resolve(liveFile), at);
  } finally {
    copy.close();
  }
  return target;
}
