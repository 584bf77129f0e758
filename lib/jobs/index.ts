/**
 * Scheduled billing work: the incremental usage rollup (every few minutes; "daily" rollups are
 * the granularity, kept fresh all day) and the monthly billing run (the previous month, on the
 * 1st). Started once per app instance by `startJobs()`.
 *
 * With PostgreSQL (DATABASE_URL set) the schedule lives in pg-boss 10 (a maintained Postgres-
 * backed queue; tables in the `pgboss` schema, created by pg-boss itself on first start):
 *  - pg-boss's cron monitor lets only ONE instance enqueue each cron tick (it takes a database
 *    lock on its clock row and inserts the tick with a singleton key);
 *  - both queues use the `stately` policy: at most one job queued and one running per queue,
 *    across every instance;
 *  - the monthly job carries `singletonKey = billing-monthly:<YYYY-MM>`, skips a month whose
 *    all-tenant run already succeeded, and runBilling's unique index on active billing_runs
 *    (migration 0005) refuses a second concurrent run of the same month whatever started it.
 * pg-boss uses node-postgres, which cannot reach the embedded PGlite; without DATABASE_URL the
 * same two jobs run on an in-process timer (PGlite is single-process by design, so there is
 * nobody to coordinate with), guarded by the same billing_runs index.
 *
 * Environment: RADIANT_JOBS=off disables scheduling (tests, one-off scripts);
 * RADIANT_ROLLUP_CRON (default every 10 minutes); RADIANT_BILLING_CRON (default 02:00 UTC on the
 * 1st). Cron expressions are evaluated in UTC.
 */
import { ConflictError } from '@/lib/errors';
import { systemCtx } from '@/lib/billing/context';
import { rollupUsage, type RollupResult } from '@/lib/billing/rollups';
import { periodAlreadyBilled, runBilling, type RunBillingResult } from '@/lib/billing/runs';
import { previousPeriod } from '@/lib/billing/period';

export const JOB_QUEUES = { rollup: 'billing-rollup', monthlyBilling: 'billing-monthly' } as const;

export const DEFAULT_ROLLUP_CRON = '*/10 * * * *';
export const DEFAULT_BILLING_CRON = '0 2 1 * *';

export interface JobsHandle {
  kind: 'pg-boss' | 'timer' | 'off';
  stop(): Promise<void>;
}

/** One rollup pass (all pending events). */
export async function runRollupJob(): Promise<RollupResult> {
  const res = await rollupUsage();
  if (res.events > 0) console.log(`[jobs] rollup: ${res.events} events in ${res.batches} batch(es), ${res.ms} ms`);
  return res;
}

export interface MonthlyBillingOutcome {
  period: string;
  skipped: null | 'already_billed' | 'already_running';
  run: RunBillingResult | null;
}

/** Bill the month before `now` for all tenants, unless that already happened. */
export async function runMonthlyBillingJob(now: Date = new Date()): Promise<MonthlyBillingOutcome> {
  const period = previousPeriod(now);
  if (await periodAlreadyBilled(period)) return { period, skipped: 'already_billed', run: null };
  try {
    const run = await runBilling({ period, ctx: systemCtx('billing-scheduler') });
    console.log(`[jobs] billing ${period}: ${run.invoicesCreated} invoice(s) issued, ${run.unchanged} unchanged, ${run.failures.length} failure(s), ${run.ms} ms`);
    return { period, skipped: null, run };
  } catch (err) {
    if (err instanceof ConflictError) return { period, skipped: 'already_running', run: null };
    throw err;
  }
}

const HANDLE_KEY = Symbol.for('radiant.jobs');
type G = typeof globalThis & { [HANDLE_KEY]?: Promise<JobsHandle> };

/** Start the schedules once per process (idempotent; Next dev reloads modules). */
export function startJobs(env: NodeJS.ProcessEnv = process.env): Promise<JobsHandle> {
  const g = globalThis as G;
  g[HANDLE_KEY] ??= (async () => {
    if ((env.RADIANT_JOBS ?? '').toLowerCase() === 'off') return { kind: 'off', stop: async () => {} } satisfies JobsHandle;
    return env.DATABASE_URL ? startPgBoss(env.DATABASE_URL, env) : startTimers(env);
  })();
  return g[HANDLE_KEY];
}

export async function stopJobs(): Promise<void> {
  const g = globalThis as G;
  const h = g[HANDLE_KEY];
  delete g[HANDLE_KEY];
  if (h) await (await h).stop();
}

async function startPgBoss(connectionString: string, env: NodeJS.ProcessEnv): Promise<JobsHandle> {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString, schema: 'pgboss', application_name: 'radiant-jobs', max: 4 });
  boss.on('error', (err) => console.error('[jobs] pg-boss error', err));
  await boss.start();
  await boss.createQueue(JOB_QUEUES.rollup, { name: JOB_QUEUES.rollup, policy: 'stately', expireInSeconds: 3600, retryLimit: 2 });
  await boss.createQueue(JOB_QUEUES.monthlyBilling, { name: JOB_QUEUES.monthlyBilling, policy: 'stately', expireInSeconds: 6 * 3600, retryLimit: 3, retryDelay: 300 });
  await boss.schedule(JOB_QUEUES.rollup, env.RADIANT_ROLLUP_CRON ?? DEFAULT_ROLLUP_CRON, {}, { tz: 'UTC', singletonKey: JOB_QUEUES.rollup });
  await boss.schedule(JOB_QUEUES.monthlyBilling, env.RADIANT_BILLING_CRON ?? DEFAULT_BILLING_CRON, {}, { tz: 'UTC', singletonKey: JOB_QUEUES.monthlyBilling });
  await boss.work(JOB_QUEUES.rollup, async () => {
    await runRollupJob();
  });
  await boss.work(JOB_QUEUES.monthlyBilling, async () => {
    const out = await runMonthlyBillingJob();
    return { period: out.period, skipped: out.skipped, invoicesCreated: out.run?.invoicesCreated ?? 0 };
  });
  return { kind: 'pg-boss', stop: () => boss.stop({ graceful: true, wait: true, timeout: 30_000 }) };
}

/** Minutes between rollups for the timer mode, from a "*\/N * * * *" cron (default 10). */
export function rollupIntervalMinutes(cron: string | undefined): number {
  const m = /^\*\/(\d+) \* \* \* \*$/.exec((cron ?? DEFAULT_ROLLUP_CRON).trim());
  return m ? Math.max(1, Number(m[1])) : 10;
}

async function startTimers(env: NodeJS.ProcessEnv): Promise<JobsHandle> {
  const every = rollupIntervalMinutes(env.RADIANT_ROLLUP_CRON) * 60_000;
  let busy = false;
  let lastRollup = 0;
  let billedPeriod: string | null = null;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = new Date();
      if (now.getTime() - lastRollup >= every) {
        lastRollup = now.getTime();
        await runRollupJob();
      }
      // From 02:00 UTC on the 1st (or at the first tick after), once per month per process.
      const period = previousPeriod(now);
      if (billedPeriod !== period && (now.getUTCDate() > 1 || now.getUTCHours() >= 2)) {
        billedPeriod = period;
        await runMonthlyBillingJob(now);
      }
    } catch (err) {
      console.error('[jobs] scheduled billing work failed', err);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), 60_000);
  timer.unref();
  const first = setTimeout(() => void tick(), 5_000);
  first.unref();
  return {
    kind: 'timer',
    stop: async () => {
      clearInterval(timer);
      clearTimeout(first);
    },
  };
}
