/** npm run db:seed — migrate, load the catalog (new entries only) and, on a database with no
 * tenants, the demo world. Prints the demo API keys it created (shown once). */
import { closeDb } from '../lib/db/client';
import { bootstrapDatabase } from '../lib/server/bootstrap';
import { assertProductionReady, demoEnabled } from '../lib/server/production';

async function main(): Promise<void> {
  assertProductionReady();
  if (!demoEnabled()) {
    console.error('db:seed loads the DEMO world (published passwords): in production mode set RADIANT_DEMO=1 to really want it.');
    process.exitCode = 1;
    return;
  }
  const r = await bootstrapDatabase({ seedDemo: false });
  const { seedDemo } = await import('../lib/demo/seed');
  const { sql } = await import('drizzle-orm');
  const { queryRows } = await import('../lib/db/client');
  const [row] = await queryRows<{ n: number | string }>(r.handle.db, sql`SELECT count(*) AS n FROM tenants`);
  if (Number(row?.n ?? 0) > 0) {
    console.log('catalog up to date; demo world already present (tenants exist), left as is');
    return;
  }
  const demo = await seedDemo(r.handle.db);
  const { billDemoHistory } = await import('../lib/demo/billing');
  const history = await billDemoHistory(r.handle.db);
  console.log(`demo invoices issued for ${history.period}: ${history.invoices}`);
  console.log(`demo world loaded: tenants ${Object.keys(demo.tenants).join(', ')}, ${demo.usageEvents} usage events`);
  for (const [slug, key] of Object.entries(demo.apiKeys)) console.log(`  API key for ${slug}: ${key}  (shown once)`);
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
