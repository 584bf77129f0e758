/**
 * Migration runner over drizzle-kit's generated files, with checksums (the seed's idea):
 * - applies pending migrations in order, all in one transaction under an advisory lock, so two
 *   app instances starting together do not race and a failure leaves nothing half-applied;
 * - records each file's SHA-256; a file edited after it was applied is REPORTED and blocks
 *   migrating until someone decides (it is never silently re-run);
 * - running it twice is a no-op the second time.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { AppError } from '../errors';
import { queryRows, type Db } from './client';

export interface MigrationFile {
  tag: string;
  checksum: string;
  statements: string[];
}

export interface MigrationStatus {
  applied: { tag: string; appliedAt: Date }[];
  pending: string[];
  /** Applied, but the file changed since. */
  edited: string[];
  /** Recorded in the database, but no such file. */
  missing: string[];
}

export class MigrationChecksumError extends AppError {
  readonly code = 'migration_edited';
  readonly httpStatus = 500;
  constructor(readonly edited: string[]) {
    super(`applied migration(s) edited since they ran: ${edited.join(', ')}. ` + 'Restore the original file(s) and put the change in a new migration.');
  }
}

const LOCK_KEY = 7_207_301; // arbitrary, constant: "radiant migrations"

export function defaultMigrationsDir(): string {
  // Read at run time from the working directory (the app root), not traced into the bundle.
  return path.resolve(/*turbopackIgnore: true*/ process.env.RADIANT_MIGRATIONS_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), 'drizzle'));
}

export function readMigrationFiles(dir = defaultMigrationsDir()): MigrationFile[] {
  const journal = JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const text = fs.readFileSync(path.join(dir, `${tag}.sql`), 'utf8');
      return {
        tag,
        checksum: crypto.createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
    });
}

async function ensureTable(db: Db): Promise<void> {
  await db.execute(sql`
    CREATE TABLE IF NOT EXISTS radiant_migrations (
      tag text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function migrationStatus(db: Db, files = readMigrationFiles()): Promise<MigrationStatus> {
  await ensureTable(db);
  const rows = await queryRows<{ tag: string; checksum: string; applied_at: Date | string }>(
    db,
    sql`SELECT tag, checksum, applied_at FROM radiant_migrations ORDER BY tag`,
  );
  const byTag = new Map(rows.map((r) => [r.tag, r]));
  const fileTags = new Set(files.map((f) => f.tag));
  return {
    applied: rows.filter((r) => fileTags.has(r.tag)).map((r) => ({ tag: r.tag, appliedAt: new Date(r.applied_at) })),
    pending: files.filter((f) => !byTag.has(f.tag)).map((f) => f.tag),
    edited: files.filter((f) => byTag.has(f.tag) && byTag.get(f.tag)!.checksum !== f.checksum).map((f) => f.tag),
    missing: rows.filter((r) => !fileTags.has(r.tag)).map((r) => r.tag),
  };
}

/** Applies pending migrations. Returns the tags applied (empty when up to date). */
export async function migrate(db: Db, files = readMigrationFiles()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    // The bookkeeping table is created under the lock too (by migrationStatus): two processes
    // migrating an empty database at once would otherwise race on CREATE TABLE IF NOT EXISTS.
    const status = await migrationStatus(tx as unknown as Db, files);
    if (status.edited.length > 0) throw new MigrationChecksumError(status.edited);
    const pending = files.filter((f) => status.pending.includes(f.tag));
    for (const file of pending) {
      for (const statement of file.statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`INSERT INTO radiant_migrations (tag, checksum) VALUES (${file.tag}, ${file.checksum})`);
    }
    return pending.map((f) => f.tag);
  });
}
