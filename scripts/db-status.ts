/** npm run db:status — applied, pending and edited migrations. Exits 1 if any applied file was edited. */
import { closeDb, getDbHandle } from '../lib/db/client';
import { migrationStatus } from '../lib/db/migrate';

async function main(): Promise<void> {
  const h = await getDbHandle();
  const s = await migrationStatus(h.db);
  console.log(`database: ${h.describe}`);
  for (const a of s.applied) console.log(`  applied  ${a.tag}  ${a.appliedAt.toISOString()}${s.edited.includes(a.tag) ? '  EDITED SINCE APPLIED' : ''}`);
  for (const p of s.pending) console.log(`  pending  ${p}`);
  for (const m of s.missing) console.log(`  missing  ${m} (recorded in the database, no file)`);
  if (s.edited.length) {
    console.error(`\n${s.edited.length} applied migration(s) were edited: restore them and add a new migration instead.`);
    process.exitCode = 1;
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
