/**
 * The app's PostgreSQL sessions run without JIT. The ledger's tail reads (`seq` above the
 * rollup's high-water mark, read in the same statement) are estimated at a third of a month's
 * partition, so with JIT on, PostgreSQL compiled the tenant detail's 0.6 ms query for ~300 ms at
 * 10 M events (BENCHMARKS.md). jit_above_cost = 0 makes any statement a JIT candidate: the plan
 * must still carry no JIT section.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../lib/db/client';
import { testDb, testDbKind } from '../support/db';

describe.runIf(testDbKind() === 'postgres')('PostgreSQL session settings', () => {
  it('a ledger tail read is never JIT-compiled, even when the planner would', async () => {
    const { db } = await testDb();
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL jit_above_cost = 0`);
      const rows = await queryRows<{ 'QUERY PLAN': unknown }>(
        tx,
        sql`EXPLAIN (ANALYZE, FORMAT JSON)
            SELECT (created_at AT TIME ZONE 'UTC')::date AS day, sum(request_count) FROM usage_events
             WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1) GROUP BY 1`,
      );
      return JSON.stringify(rows[0]?.['QUERY PLAN']);
    });
    expect(plan).toContain('"Plan"');
    expect(plan).not.toContain('"JIT"');
    const [setting] = await queryRows<{ jit: string }>(db, sql`SHOW jit`);
    expect(setting?.jit).toBe('off');
  });
});
