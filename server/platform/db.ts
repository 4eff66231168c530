import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrationsDir as defaultMigrationsDir } from './paths.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite database with the settings every connection needs.
 *
 * synchronous=FULL: in WAL mode the default NORMAL can lose the last commits on power loss. A
 * respondent who has been told "your survey was submitted" must never lose it, and an autosaved
 * page is the only copy of half an hour's work, so every commit is synced. The write rate of a
 * survey (a save every few seconds per active respondent) makes the cost irrelevant.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') preparePrivateFiles(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') tightenDatabaseFiles(file);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** The database and the files SQLite keeps beside it in WAL mode. */
const databaseFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`];

/**
 * The database holds contacts and confidential answers, so only its owner may read it, whatever the
 * umask: a data folder we create is 0700 and the database file is created 0600 before SQLite opens
 * it. SQLite creates -wal and -shm with the database file's mode, so they follow; files left by an
 * older version are tightened too. A folder that already existed is the operator's choice and is
 * left as it is.
 */
function preparePrivateFiles(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  tightenDatabaseFiles(file);
}

function tightenDatabaseFiles(file: string): void {
  for (const f of databaseFiles(file)) if (existsSync(f)) chmodSync(f, 0o600);
}

/** A trivial query: proves the connection and file are usable (health checks). */
export function pingDatabase(db: Db): void {
  db.prepare('SELECT 1').get();
}

/** True when better-sqlite3 rejected a write because a UNIQUE constraint (or primary key) already holds the value. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export type Migration = { version: number; name: string; sql: string };

export class MigrationError extends Error {}

export function readMigrations(dir = defaultMigrationsDir): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError(`db/migrations/${file}: name must look like 0001_description.sql`);
    return { version: Number(match[1]), name: match[2] as string, sql: readFileSync(path.join(dir, file), 'utf8') };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new MigrationError(
        `db/migrations: expected migration ${String(i + 1).padStart(4, '0')}, found ${String(m.version).padStart(4, '0')}_${m.name}.sql`,
      );
    }
  });
  return migrations;
}

/**
 * Applies every migration not yet applied, forward only, each in its own transaction together with
 * its bookkeeping row, so a failing migration leaves the database exactly as it was before it.
 */
export function migrate(db: Db, migrations = readMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const newest = Math.max(0, ...applied);
  if (newest > migrations.length) {
    throw new MigrationError(
      `The database was migrated by a newer Fieldkit (schema ${newest}; this version knows ${migrations.length}). Upgrade Fieldkit instead of running an older one on this data.`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const ran: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    ran.push(m.version);
  }
  return ran;
}
