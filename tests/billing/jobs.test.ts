/** Scheduled billing: the monthly job bills the previous month once; concurrent starts of the
 * same month are refused by the database; pg-boss holds the schedules on PostgreSQL. */
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../lib/db/client';
import { systemCtx } from '../../lib/billing/context';
import { runBilling, startBillingRun } from '../../lib/billing/runs';
import { rollupIntervalMinutes, runMonthlyBillingJob, startJobs, stopJobs } from '../../lib/jobs';
import { ConflictError } from '../../lib/errors';
import { testDb, testDbKind } from '../support/db';
import { createTenant } from '../support/factories';
import { dayIn, insertEvents, model, randomUsage, rng } from './helpers';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

describe('monthly billing job', () => {
  it('bills the previous month once, then skips it', async () => {
    const t = await createTenant(db);
    const r = rng(5);
    await insertEvents(db, [{ tenantId: t.id, modelId: 'openai-gpt-4-1', at: dayIn('2017-02', r), usage: randomUsage(model('openai-gpt-4-1'), r), markupPercent: '40' }]);
    const first = await runMonthlyBillingJob(new Date('2017-03-01T02:00:00Z'));
    expect(first.period).toBe('2017-02');
    expect(first.skipped).toBeNull();
    expect(first.run!.invoicesCreated).toBe(1);
    const second = await runMonthlyBillingJob(new Date('2017-03-01T02:10:00Z'));
    expect(second.skipped).toBe('already_billed');
  });

  it('a second concurrent run of the same month is refused by the database', async () => {
    const run = await startBillingRun({ period: '2017-05', tenantId: null, startedBy: null, ctx: systemCtx('test'), db });
    expect(run.status).toBe('running');
    await expect(startBillingRun({ period: '2017-05', tenantId: null, startedBy: null, ctx: systemCtx('test'), db })).rejects.toBeInstanceOf(ConflictError);
    await expect(runBilling({ period: '2017-05', ctx: systemCtx('test'), db })).rejects.toBeInstanceOf(ConflictError);
    // A run for one tenant of that month is a different scope.
    const t = await createTenant(db);
    const r = rng(6);
    await insertEvents(db, [{ tenantId: t.id, modelId: 'openai-gpt-4-1', at: dayIn('2017-05', r), usage: randomUsage(model('openai-gpt-4-1'), r), markupPercent: '40' }]);
    const single = await runBilling({ period: '2017-05', tenantSlug: t.slug, ctx: systemCtx('test'), db });
    expect(single.status).toBe('succeeded');
  });

  it('reads the rollup interval from the cron', () => {
    expect(rollupIntervalMinutes(undefined)).toBe(10);
    expect(rollupIntervalMinutes('*/5 * * * *')).toBe(5);
    expect(rollupIntervalMinutes('0 * * * *')).toBe(10);
  });
});

describe.runIf(testDbKind() === 'postgres')('pg-boss schedules (PostgreSQL)', () => {
  it('creates the queues and cron schedules once, whatever the number of instances', async () => {
    const cfg = inject('testDb');
    const url = cfg.kind === 'postgres' ? cfg.url : '';
    const handle = await startJobs({ DATABASE_URL: url, RADIANT_BILLING_CRON: '0 2 1 * *' } as unknown as NodeJS.ProcessEnv);
    expect(handle.kind).toBe('pg-boss');
    // A second instance registering the same schedules changes nothing.
    const { default: PgBoss } = await import('pg-boss');
    const other = new PgBoss({ connectionString: url, schema: 'pgboss' });
    await other.start();
    await other.schedule('billing-monthly', '0 2 1 * *', {}, { tz: 'UTC', singletonKey: 'billing-monthly' });
    await other.stop({ graceful: false, wait: true });
    const schedules = await queryRows<{ name: string; cron: string }>(db, sql`SELECT name, cron FROM pgboss.schedule ORDER BY name`);
    expect(schedules.map((s) => s.name)).toEqual(['billing-monthly', 'billing-rollup']);
    const queues = await queryRows<{ name: string; policy: string }>(db, sql`SELECT name, policy FROM pgboss.queue WHERE name LIKE 'billing-%' ORDER BY name`);
    expect(queues).toEqual([
      { name: 'billing-monthly', policy: 'stately' },
      { name: 'billing-rollup', policy: 'stately' },
    ]);
    await stopJobs();
  }, 60_000);
});
