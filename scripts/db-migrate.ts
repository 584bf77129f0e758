/** npm run db:migrate — applies pending migrations to DATABASE_URL or the embedded database. */
import { closeDb, getDbHandle } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';

async function main(): Promise<void> {
  const h = await getDbHandle();
  const applied = await migrate(h.db);
  console.log(applied.length ? `applied ${applied.length}: ${applied.join(', ')}` : 'database is up to date');
  console.log(`(${h.describe})`);
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
