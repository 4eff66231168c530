import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type Db, MigrationError, migrate, openDatabase, readMigrations } from '../server/platform/db.js';

/** A fresh folder removed when the test ends. */
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-db-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database file of its own, closed when the test ends. */
function freshDatabase(): Db {
  const db = openDatabase(path.join(tempDir(), 'fieldkit.db'));
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}

/** A migrations folder holding exactly the given files. */
function migrationsFolder(files: Record<string, string>): string {
  const dir = path.join(tempDir(), 'migrations');
  mkdirSync(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

const tableNames = (db: Db) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

const appliedVersions = (db: Db) =>
  db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];

/** The error a statement throws, so its SQLite code can be asserted rather than its wording. */
function errorOf(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the statement to fail, but it succeeded');
}

/** One fielding, office and case with a single event: the least data the constraints apply to. */
function seedCase(db: Db): { caseId: number; eventId: number } {
  const at = '2027-02-01T09:00:00.000Z';
  const fieldingId = db
    .prepare('INSERT INTO fieldings (name, instrument_id, instrument_version, created_at) VALUES (?, ?, ?, ?)')
    .run('pilot', 'tip-prosecutor-survey', '1.0.0', at).lastInsertRowid;
  const officeId = db
    .prepare(
      `INSERT INTO offices (office_id, office_name, state, jurisdiction, population, stratum, created_at, updated_at)
       VALUES ('OFF-1', 'Office 1', 'PA', 'County 1', 10000, 'under 100,000', ?, ?)`,
    )
    .run(at, at).lastInsertRowid;
  const caseId = Number(
    db.prepare('INSERT INTO cases (fielding_id, office_id, created_at) VALUES (?, ?, ?)').run(fieldingId, officeId, at)
      .lastInsertRowid,
  );
  const eventId = Number(
    db.prepare("INSERT INTO case_events (case_id, type, at) VALUES (?, 'case_created', ?)").run(caseId, at)
      .lastInsertRowid,
  );
  return { caseId, eventId };
}

describe('openDatabase', () => {
  it('opens the file in WAL mode with full syncs, enforced foreign keys and a 5 second busy timeout', () => {
    const db = freshDatabase();

    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('creates the folder of the database file when it does not exist yet', () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'fieldkit.db');

    const db = openDatabase(file);
    onTestFinished(() => {
      db.close();
    });

    expect(db.name).toBe(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('openDatabase file modes', () => {
  const mode = (file: string) => statSync(file).mode & 0o777;

  /** The widest umask, so the modes are proven to be set by Fieldkit and not inherited. */
  function permissiveUmask() {
    const before = process.umask(0);
    onTestFinished(() => {
      process.umask(before);
    });
  }

  it('creates the data folder 0700 and the database, -wal and -shm files 0600 whatever the umask', () => {
    permissiveUmask();
    const dir = path.join(tempDir(), 'data');
    const file = path.join(dir, 'fieldkit.db');

    const db = openDatabase(file);
    onTestFinished(() => {
      if (db.open) db.close();
    });
    migrate(db);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'probe', 'now')").run();

    expect(mode(dir).toString(8)).toBe('700');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f).toString(8), f).toBe('600');
  });

  it('tightens database files left readable by others, but leaves an existing folder as it is', () => {
    permissiveUmask();
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'fieldkit.db');
    openDatabase(file).close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(f, '', { flag: 'a' });
      chmodSync(f, 0o644);
    }

    const db = openDatabase(file);
    onTestFinished(() => {
      if (db.open) db.close();
    });
    db.exec('CREATE TABLE probe (x)');

    expect(mode(dir).toString(8)).toBe('755');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f).toString(8), f).toBe('600');
  });
});

describe('migrate', () => {
  it('applies the shipped migrations in order and records each in schema_migrations', () => {
    const db = freshDatabase();
    const shipped = readMigrations();

    const ran = migrate(db);

    expect(shipped.map((m) => m.version)).toEqual(shipped.map((_, i) => i + 1));
    expect(ran).toEqual(shipped.map((m) => m.version));
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      shipped.map((m) => ({ version: m.version, name: m.name })),
    );
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['offices', 'contacts', 'fieldings', 'cases', 'tokens', 'responses', 'case_events']),
    );
  });

  it('does nothing the second time', () => {
    const db = freshDatabase();
    migrate(db);
    const recorded = db.prepare('SELECT * FROM schema_migrations ORDER BY version').all();

    expect(migrate(db)).toEqual([]);
    expect(db.prepare('SELECT * FROM schema_migrations ORDER BY version').all()).toEqual(recorded);
  });

  it('applies only the migrations a database has not seen yet', () => {
    const db = freshDatabase();
    const first = migrationsFolder({ '0001_first.sql': 'CREATE TABLE first (x INTEGER);' });
    const both = migrationsFolder({
      '0001_first.sql': 'CREATE TABLE first (x INTEGER);',
      '0002_second.sql': 'CREATE TABLE second (y INTEGER);',
    });

    expect(migrate(db, readMigrations(first))).toEqual([1]);
    expect(migrate(db, readMigrations(both))).toEqual([2]);
    expect(appliedVersions(db)).toEqual([1, 2]);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['first', 'second']));
  });

  it('leaves the database exactly as after the last good migration when a later one fails, and throws', () => {
    const db = freshDatabase();
    const dir = migrationsFolder({
      '0001_ok.sql': 'CREATE TABLE kept (x INTEGER); INSERT INTO kept VALUES (1);',
      // The CREATE succeeds before the INSERT fails: both must be undone together.
      '0002_broken.sql': 'CREATE TABLE half_done (y INTEGER); INSERT INTO no_such_table VALUES (1);',
    });

    expect(() => migrate(db, readMigrations(dir))).toThrow(/no_such_table/);

    expect(tableNames(db)).toContain('kept');
    expect(tableNames(db)).not.toContain('half_done');
    expect(db.prepare('SELECT x FROM kept').pluck().all()).toEqual([1]);
    expect(appliedVersions(db)).toEqual([1]);
  });

  it('refuses a database migrated by a newer Fieldkit', () => {
    const db = freshDatabase();
    migrate(db);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01')").run();

    const error = errorOf(() => migrate(db));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(/newer Fieldkit \(schema 99/);
  });
});

describe('readMigrations', () => {
  it('reads the files in version order with their names and SQL', () => {
    const dir = migrationsFolder({
      '0002_second.sql': 'CREATE TABLE second (y INTEGER);',
      '0001_first.sql': 'CREATE TABLE first (x INTEGER);',
      'README.txt': 'not a migration',
    });

    expect(readMigrations(dir)).toEqual([
      { version: 1, name: 'first', sql: 'CREATE TABLE first (x INTEGER);' },
      { version: 2, name: 'second', sql: 'CREATE TABLE second (y INTEGER);' },
    ]);
  });

  it('throws a MigrationError naming the file after a gap in the numbering', () => {
    const dir = migrationsFolder({
      '0001_first.sql': 'SELECT 1;',
      '0003_third.sql': 'SELECT 3;',
    });

    const error = errorOf(() => readMigrations(dir));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain('0003_third.sql');
    expect(error.message).toContain('expected migration 0002');
  });

  it.each([
    ['no zero padding', '2_second.sql'],
    ['a dash instead of an underscore', '0002-second.sql'],
    ['capital letters', '0002_Second.sql'],
  ])('throws a MigrationError naming a file with %s', (_case, badName) => {
    const dir = migrationsFolder({ '0001_first.sql': 'SELECT 1;', [badName]: 'SELECT 2;' });

    const error = errorOf(() => readMigrations(dir));

    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain(badName);
  });
});

describe('the schema', () => {
  it('enforces foreign keys: a case for an unknown fielding is refused', () => {
    const db = freshDatabase();
    migrate(db);
    seedCase(db);

    const error = errorOf(() =>
      db
        .prepare('INSERT INTO cases (fielding_id, office_id, created_at) VALUES (999, 1, ?)')
        .run('2027-02-01T09:00:00.000Z'),
    );

    expect(error.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(db.prepare('SELECT count(*) FROM cases').pluck().get()).toBe(1);
  });

  it('keeps case_events append-only: UPDATE and DELETE are refused and the event is unchanged', () => {
    const db = freshDatabase();
    migrate(db);
    const { eventId } = seedCase(db);
    const before = db.prepare('SELECT * FROM case_events WHERE id = ?').get(eventId);

    const updateError = errorOf(() =>
      db.prepare("UPDATE case_events SET type = 'completed' WHERE id = ?").run(eventId),
    );
    const deleteError = errorOf(() => db.prepare('DELETE FROM case_events WHERE id = ?').run(eventId));

    expect(updateError.code).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(updateError.message).toBe('case_events is append-only');
    expect(deleteError.code).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(deleteError.message).toBe('case_events is append-only');
    expect(db.prepare('SELECT * FROM case_events WHERE id = ?').get(eventId)).toEqual(before);
  });

  it('still lets new events be appended', () => {
    const db = freshDatabase();
    migrate(db);
    const { caseId } = seedCase(db);

    db.prepare("INSERT INTO case_events (case_id, type, at) VALUES (?, 'link_opened', ?)").run(
      caseId,
      '2027-02-02T09:00:00.000Z',
    );

    expect(db.prepare('SELECT type FROM case_events WHERE case_id = ? ORDER BY id').pluck().all(caseId)).toEqual([
      'case_created',
      'link_opened',
    ]);
  });
});
