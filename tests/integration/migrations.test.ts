import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db/client';
import { MigrationChecksumError, migrate, migrationStatus, readMigrationFiles } from '../../lib/db/migrate';

/** A private copy of drizzle/ that the test may edit. */
function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-mig-'));
  fs.cpSync(path.resolve('drizzle'), dir, { recursive: true });
  return dir;
}

describe('migration runner', () => {
  it('applies everything once, is a no-op the second time, and reports an edited migration', async () => {
    const dir = copyMigrations();
    const h = await openDb({});
    try {
      const first = await migrate(h.db, readMigrationFiles(dir));
      expect(first.length).toBeGreaterThanOrEqual(2);
      expect(first[0]).toBe('0000_init');

      expect(await migrate(h.db, readMigrationFiles(dir))).toEqual([]);
      const status = await migrationStatus(h.db, readMigrationFiles(dir));
      expect(status.pending).toEqual([]);
      expect(status.edited).toEqual([]);
      expect(status.applied.map((a) => a.tag)).toEqual(first);

      // Someone edits an applied migration: it is reported and nothing runs.
      const file = path.join(dir, `${first[1]}.sql`);
      fs.appendFileSync(file, '\n--> statement-breakpoint\nCREATE TABLE should_not_exist (id int);\n');
      const edited = await migrationStatus(h.db, readMigrationFiles(dir));
      expect(edited.edited).toEqual([first[1]]);
      await expect(migrate(h.db, readMigrationFiles(dir))).rejects.toBeInstanceOf(MigrationChecksumError);
      const exists = await h.db.execute(`SELECT to_regclass('public.should_not_exist') AS t` as never);
      expect(JSON.stringify(exists)).toContain('"t":null');
    } finally {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Migrates a fresh embedded database from nothing, twice: it grows with every migration.
  }, 120_000);
});
