/**
 * Brings a database to a usable state: migrate, then on an EMPTY database load the catalog and
 * the demo world. Called by `npm start` before serving and by Next's instrumentation hook, so
 * `next start` and `next dev` get the same. Safe to call from several instances at once
 * (migrations take an advisory lock; the demo seed runs only when no tenant exists).
 */
import { sql } from 'drizzle-orm';
import { getDbHandle, queryRows, type DbHandle } from '../db/client';
import { migrate } from '../db/migrate';
import { seedCatalog } from '../catalog/seed';

export interface BootstrapResult {
  handle: DbHandle;
  migrated: string[];
  seeded: boolean;
}

export async function bootstrapDatabase(options: { seedDemo?: boolean } = {}): Promise<BootstrapResult> {
  const handle = await getDbHandle();
  const migrated = await migrate(handle.db);
  await seedCatalog(handle.db);
  let seeded = false;
  if (options.seedDemo !== false) {
    const [row] = await queryRows<{ n: number | string }>(handle.db, sql`SELECT count(*) AS n FROM tenants`);
    if (Number(row?.n ?? 0) === 0) {
      const { seedDemo } = await import('../demo/seed');
      await seedDemo(handle.db);
      const { billDemoHistory } = await import('../demo/billing');
      await billDemoHistory(handle.db);
      seeded = true;
    }
  }
  return { handle, migrated, seeded };
}
