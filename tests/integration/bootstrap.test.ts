/**
 * Two instances starting at once on an EMPTY PostgreSQL database: both migrate and load the
 * catalog, exactly one seeds the demo world (the check-and-seed runs under an advisory lock held
 * on a reserved connection), and nothing is duplicated. PostgreSQL only: PGlite is one process.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb, queryRows, setDbHandle, type DbHandle } from '../../lib/db/client';
import { bootstrapDatabase } from '../../lib/server/bootstrap';
import { monthBeforeLast } from '../../lib/demo/billing';
import { DEMO_ACCOUNTS } from '../../lib/demo/accounts';
import { testDbKind } from '../support/db';

const DEMO_TENANT_SLUGS = new Set(DEMO_ACCOUNTS.flatMap((a) => (a.kind === 'tenant' ? [a.tenant] : [])));
const handles: DbHandle[] = [];
let admin: DbHandle | null = null;
let dbName = '';

afterAll(async () => {
  setDbHandle(null);
  for (const h of handles) await h.close().catch(() => {});
  if (admin && dbName) {
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    await admin.close();
  }
});

describe.runIf(testDbKind() === 'postgres')('bootstrap on an empty database (PostgreSQL)', () => {
  it('two concurrent bootstraps seed the demo world once', async () => {
    const cfg = inject('testDb');
    if (cfg.kind !== 'postgres') return;
    admin = await openDb({ url: cfg.url, max: 1 });
    dbName = `radiant_bootrace_${process.pid}_${Date.now()}`;
    await admin.db.execute(sql.raw(`CREATE DATABASE ${dbName}`));
    const url = new URL(cfg.url);
    url.pathname = `/${dbName}`;
    // Two "instances": two pools on the fresh database. Code that uses the process handle
    // (notifications) goes to the fresh database too, never to the shared test database.
    const a = await openDb({ url: url.toString(), max: 4 });
    const b = await openDb({ url: url.toString(), max: 4 });
    handles.push(a, b);
    setDbHandle(a);

    const [ra, rb] = await Promise.all([bootstrapDatabase({ handle: a }), bootstrapDatabase({ handle: b })]);
    expect([ra.seeded, rb.seeded].sort()).toEqual([false, true]);
    // The migrations ran once between them.
    expect(ra.migrated.length + rb.migrated.length).toBe(Math.max(ra.migrated.length, rb.migrated.length));

    const tenants = await queryRows<{ slug: string }>(a.db, sql`SELECT slug FROM tenants ORDER BY slug`);
    expect(tenants.map((r) => r.slug)).toEqual([...DEMO_TENANT_SLUGS].sort());
    const [k] = await queryRows<{ n: string | number }>(a.db, sql`SELECT count(*) AS n FROM api_keys`);
    expect(Number(k!.n)).toBe(DEMO_TENANT_SLUGS.size);
    const runs = await queryRows<{ period: string; n: string | number }>(
      a.db,
      sql`SELECT period, count(*) AS n FROM billing_runs WHERE tenant_id IS NULL GROUP BY period`,
    );
    expect(runs.map((r) => ({ period: r.period, n: Number(r.n) }))).toEqual([{ period: monthBeforeLast(), n: 1 }]);
    const [dup] = await queryRows<{ n: string | number }>(
      a.db,
      sql`SELECT count(*) AS n FROM (SELECT tenant_id, period FROM invoices GROUP BY tenant_id, period HAVING count(*) > 1) d`,
    );
    expect(Number(dup!.n)).toBe(0);

    // A third start later finds the tenants and seeds nothing.
    const again = await bootstrapDatabase({ handle: b });
    expect(again).toMatchObject({ seeded: false, migrated: [] });
  }, 120_000);
});
