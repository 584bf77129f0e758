/**
 * Brings a database to a usable state: migrate, then on an EMPTY database load the catalog and
 * the demo world. Called by `npm start` before serving and by Next's instrumentation hook, so
 * `next start` and `next dev` get the same. Safe to call from several instances at once:
 * migrations take their own advisory lock, and the catalog load plus the "no tenant yet? seed the
 * demo" check-and-seed run under a second, session-level advisory lock (held on a reserved
 * connection while the seed opens its own transactions), so instances starting together on an
 * empty database seed the demo world once; the others wait, then find the tenants.
 */
import { sql } from 'drizzle-orm';
import { getDbHandle, queryRows, withAdvisoryLock, type DbHandle } from '../db/client';
import { migrate } from '../db/migrate';
import { seedCatalog } from '../catalog/seed';

/** Arbitrary, constant: "radiant bootstrap" (migrations use 7_207_301). */
export const BOOTSTRAP_LOCK_KEY = 7_207_302;

export interface BootstrapResult {
  handle: DbHandle;
  migrated: string[];
  seeded: boolean;
}

export async function bootstrapDatabase(options: { seedDemo?: boolean; handle?: DbHandle } = {}): Promise<BootstrapResult> {
  const handle = options.handle ?? (await getDbHandle());
  const migrated = await migrate(handle.db);
  const seeded = await withAdvisoryLock(handle, BOOTSTRAP_LOCK_KEY, async () => {
    await seedCatalog(handle.db);
    if (options.seedDemo === false) return false;
    const [row] = await queryRows<{ n: number | string }>(handle.db, sql`SELECT count(*) AS n FROM tenants`);
    if (Number(row?.n ?? 0) !== 0) return false;
    const { seedDemo } = await import('../demo/seed');
    await seedDemo(handle.db);
    const { billDemoHistory } = await import('../demo/billing');
    await billDemoHistory(handle.db);
    return true;
  });
  return { handle, migrated, seeded };
}
