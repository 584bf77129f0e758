/** Scheduled billing: the monthly job bills the previous month once; concurrent starts of the
 * same month are refused by the database; pg-boss holds the schedules on PostgreSQL. */
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import crypto from 'node:crypto';
import { and, eq, like, sql } from 'drizzle-orm';
import { administrators, notifications } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { queryRows, type Db } from '../../lib/db/client';
import { systemCtx } from '../../lib/platform/context';
import { runBilling, startBillingRun } from '../../lib/billing/runs';
import { enqueueMonthlyBillingCatchUp, jobIdFor, monthlyBillingDue, rollupIntervalMinutes, runMonthlyBillingJob, startJobs, stopJobs } from '../../lib/jobs';
import { ConflictError } from '../../lib/errors';
import { testDb, testDbKind } from '../support/db';
import { pollRows } from '../support/poll';
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
    await insertEvents(db, [
      { tenantId: t.id, modelId: 'openai-gpt-4-1', at: dayIn('2017-02', r), usage: randomUsage(model('openai-gpt-4-1'), r), markupPercent: '40' },
    ]);
    const first = await runMonthlyBillingJob(new Date('2017-03-01T02:00:00Z'));
    expect(first.period).toBe('2017-02');
    expect(first.skipped).toBeNull();
    expect(first.run!.invoicesCreated).toBe(1);
    const second = await runMonthlyBillingJob(new Date('2017-03-01T02:10:00Z'));
    expect(second.skipped).toBe('already_billed');
    // The catch-up job names its month.
    const named = await runMonthlyBillingJob(new Date('2017-09-15T00:00:00Z'), '2017-02');
    expect(named).toMatchObject({ period: '2017-02', skipped: 'already_billed' });
  });

  it('is due from 02:00 UTC on the 1st', () => {
    expect(monthlyBillingDue(new Date('2017-03-01T01:59:59Z'))).toBe(false);
    expect(monthlyBillingDue(new Date('2017-03-01T02:00:00Z'))).toBe(true);
    expect(monthlyBillingDue(new Date('2017-03-02T00:00:00Z'))).toBe(true);
    expect(jobIdFor('billing-monthly:2017-02')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobIdFor('billing-monthly:2017-02')).toBe(jobIdFor('billing-monthly:2017-02'));
    expect(jobIdFor('billing-monthly:2017-02')).not.toBe(jobIdFor('billing-monthly:2017-03'));
  });

  it('a second concurrent run of the same month is refused by the database', async () => {
    const run = await startBillingRun({ period: '2017-05', tenantId: null, startedBy: null, ctx: systemCtx('test'), db });
    expect(run.status).toBe('running');
    await expect(startBillingRun({ period: '2017-05', tenantId: null, startedBy: null, ctx: systemCtx('test'), db })).rejects.toBeInstanceOf(ConflictError);
    await expect(runBilling({ period: '2017-05', ctx: systemCtx('test'), db })).rejects.toBeInstanceOf(ConflictError);
    // A run for one tenant of that month is a different scope.
    const t = await createTenant(db);
    const r = rng(6);
    await insertEvents(db, [
      { tenantId: t.id, modelId: 'openai-gpt-4-1', at: dayIn('2017-05', r), usage: randomUsage(model('openai-gpt-4-1'), r), markupPercent: '40' },
    ]);
    const single = await runBilling({ period: '2017-05', tenantSlug: t.slug, ctx: systemCtx('test'), db });
    expect(single.status).toBe('succeeded');
  });

  it('tells the billing administrators when a run finishes (in-app; Slack/e-mail per settings)', async () => {
    await withPlatform(
      (tx) => tx.insert(administrators).values({ email: `billing-${crypto.randomUUID()}@jobs.test`, name: 'Billing admin', role: 'admin', status: 'active' }),
      db,
    );
    const t = await createTenant(db);
    const r = rng(7);
    await insertEvents(db, [
      { tenantId: t.id, modelId: 'openai-gpt-4-1', at: dayIn('2017-08', r), usage: randomUsage(model('openai-gpt-4-1'), r), markupPercent: '40' },
    ]);
    const run = await runBilling({ period: '2017-08', tenantSlug: t.slug, ctx: systemCtx('test'), db });
    expect(run.status).toBe('succeeded');
    const rows = await pollRows(() =>
      withPlatform(
        (tx) =>
          tx
            .select()
            .from(notifications)
            .where(and(eq(notifications.event, 'billing.run_finished'), like(notifications.body, `%${run.id}%`))),
        db,
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!.title).toBe('Billing run for 2017-08 finished: 1 invoice');
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
    // No catch-up here: it would bill last month for every tenant of the shared test database.
    const handle = await startJobs({
      DATABASE_URL: url,
      RADIANT_BILLING_CRON: '0 2 1 * *',
      RADIANT_BILLING_CATCHUP: 'off',
      RADIANT_GENERATION_JOBS: 'off',
    } as unknown as NodeJS.ProcessEnv);
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

  it('the start-up catch-up enqueues a month once, however many instances start', async () => {
    const cfg = inject('testDb');
    const url = cfg.kind === 'postgres' ? cfg.url : '';
    const { default: PgBoss } = await import('pg-boss');
    // Two instances' pg-boss clients, no workers: the job stays queued and is removed below.
    const bosses = [new PgBoss({ connectionString: url, schema: 'pgboss', max: 2 }), new PgBoss({ connectionString: url, schema: 'pgboss', max: 2 })];
    for (const b of bosses) await b.start();
    await bosses[0]!.createQueue('billing-monthly', { name: 'billing-monthly', policy: 'stately' }).catch(() => {});
    try {
      const now = new Date('2017-10-03T09:00:00Z');
      const ids = await Promise.all([...bosses, ...bosses].map((b) => enqueueMonthlyBillingCatchUp(b, now)));
      expect(ids.every((r) => r.period === '2017-09')).toBe(true);
      expect(ids.filter((r) => r.jobId !== null)).toHaveLength(1);
      const jobs = await queryRows<{ id: string; singleton_key: string; data: { period: string } }>(
        db,
        sql`SELECT id, singleton_key, data FROM pgboss.job WHERE name = 'billing-monthly' AND singleton_key = 'billing-monthly:2017-09'`,
      );
      expect(jobs).toEqual([{ id: jobIdFor('billing-monthly:2017-09'), singleton_key: 'billing-monthly:2017-09', data: { period: '2017-09', catchUp: true } }]);
      // Not due before 02:00 UTC on the 1st.
      expect(await enqueueMonthlyBillingCatchUp(bosses[0]!, new Date('2017-11-01T01:00:00Z'))).toEqual({ period: '2017-10', jobId: null });
    } finally {
      await queryRows(db, sql`DELETE FROM pgboss.job WHERE name = 'billing-monthly' AND singleton_key = 'billing-monthly:2017-09'`);
      for (const b of bosses) await b.stop({ graceful: false, wait: true });
    }
  }, 60_000);
});
