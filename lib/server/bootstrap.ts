/**
 * Brings a database to a usable state: migrate, load the catalog, then on an EMPTY database the
 * demo world when it is wanted (lib/server/production.ts demoEnabled: the embedded quick start,
 * or RADIANT_DEMO=1; never by default in production mode, where an empty database gets the
 * catalog and no people), and the first super_admin's setup link when
 * RADIANT_BOOTSTRAP_ADMIN_EMAIL is set (logged once; lib/governance/setup.ts). Called by `npm start` before serving and by Next's instrumentation hook, so
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
import { demoEnabled } from './production';

/** Arbitrary, constant: "radiant bootstrap" (migrations use 7_207_301). */
export const BOOTSTRAP_LOCK_KEY = 7_207_302;

export interface BootstrapResult {
  handle: DbHandle;
  migrated: string[];
  seeded: boolean;
  /** The setup link created from RADIANT_BOOTSTRAP_ADMIN_EMAIL on this start, if any. */
  setupLink?: { email: string; url: string; expiresAt: Date } | null;
}

export async function bootstrapDatabase(options: { seedDemo?: boolean; handle?: DbHandle } = {}): Promise<BootstrapResult> {
  const handle = options.handle ?? (await getDbHandle());
  const migrated = await migrate(handle.db);
  const seeded = await withAdvisoryLock(handle, BOOTSTRAP_LOCK_KEY, async () => {
    await seedCatalog(handle.db);
    if (!(options.seedDemo ?? demoEnabled())) return false;
    const [row] = await queryRows<{ n: number | string }>(handle.db, sql`SELECT count(*) AS n FROM tenants`);
    if (Number(row?.n ?? 0) !== 0) return false;
    const { seedDemo } = await import('../demo/seed');
    await seedDemo(handle.db);
    const { billDemoHistory } = await import('../demo/billing');
    await billDemoHistory(handle.db);
    return true;
  });
  let setupLink = null;
  if (process.env.RADIANT_BOOTSTRAP_ADMIN_EMAIL) {
    const { bootstrapAdminFromEnv } = await import('../governance/setup');
    setupLink = await bootstrapAdminFromEnv(handle.db);
    if (setupLink) {
      const { getLogger } = await import('../observability/logger');
      getLogger().warn(
        { event: 'setup_link_created', email: setupLink.email, expiresAt: setupLink.expiresAt.toISOString(), setupUrl: setupLink.url },
        `First super_admin: open this single-use setup link (valid 24 h) to set the password and enrol MFA: ${setupLink.url}`,
      );
    }
  }
  return { handle, migrated, seeded, setupLink };
}
