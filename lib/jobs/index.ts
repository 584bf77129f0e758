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
 *  - the monthly job skips a month whose all-tenant run already succeeded, and runBilling's
 *    unique index on active billing_runs (migration 0005) refuses a second concurrent run of the
 *    same month whatever started it;
 *  - catch-up: at start an instance enqueues the previous month's billing (from 02:00 UTC on
 *    the 1st, if that month is not billed yet), so a month is billed even when no instance was
 *    up at the scheduled tick. That job carries `singletonKey =
 *    billing-monthly:<YYYY-MM>` and an id derived from it, so instances starting together (or
 *    restarting) enqueue it once; RADIANT_BILLING_CATCHUP=off turns it off.
 * pg-boss uses node-postgres, which cannot reach the embedded PGlite; without DATABASE_URL the
 * same two jobs run on an in-process timer (PGlite is single-process by design, so there is
 * nobody to coordinate with), guarded by the same billing_runs index.
 *
 * Video and 3D generation jobs register their own queues here (lib/gateway/jobs/schedule.ts);
 * RADIANT_GENERATION_JOBS=off leaves them out.
 *
 * Environment: RADIANT_JOBS=off disables scheduling (tests, one-off scripts);
 * RADIANT_ROLLUP_CRON (default every 10 minutes); RADIANT_BILLING_CRON (default 02:00 UTC on the
 * 1st); RADIANT_BILLING_CATCHUP=off (no catch-up at start). Cron expressions are evaluated in UTC.
 * Started by lib/server/background.ts (Next's instrumentation hook), stopped on SIGTERM.
 */
import crypto from 'node:crypto';
import type PgBoss from 'pg-boss';
import { ConflictError } from '@/lib/errors';
import { openDb, withAdvisoryLock } from '@/lib/db/client';
import { systemCtx } from '@/lib/platform/context';
import { ensureUsagePartitions, rollupUsage, type RollupResult } from '@/lib/billing/rollups';
import { periodAlreadyBilled, runBilling, type RunBillingResult } from '@/lib/billing/runs';
import { previousPeriod } from '@/lib/billing/period';
import { createGenerationQueues, workGenerationQueues } from '@/lib/gateway/jobs/schedule';
import { PERIOD_RE } from '@/lib/platform/schemas';
import { getLogger } from '@/lib/observability/logger';

export const JOB_QUEUES = { rollup: 'billing-rollup', monthlyBilling: 'billing-monthly' } as const;

export const DEFAULT_ROLLUP_CRON = '*/10 * * * *';
export const DEFAULT_BILLING_CRON = '0 2 1 * *';

export interface JobsHandle {
  kind: 'pg-boss' | 'timer' | 'off';
  stop(): Promise<void>;
}

/** One rollup pass (all pending events). */
export async function runRollupJob(): Promise<RollupResult> {
  // The ledger's monthly partitions are created ahead here (idempotent, a catalog lookup when
  // they exist): usage of a month without one would land in the default partition.
  const created = await ensureUsagePartitions();
  if (created > 0) getLogger().info({ created }, 'jobs: usage_events partitions created');
  const res = await rollupUsage();
  if (res.events > 0) getLogger().info({ events: res.events, batches: res.batches, ms: res.ms }, 'jobs: rollup');
  return res;
}

export interface MonthlyBillingOutcome {
  period: string;
  skipped: null | 'already_billed' | 'already_running';
  run: RunBillingResult | null;
}

/** Bill `period` (default: the month before `now`) for all tenants, unless that already happened. */
export async function runMonthlyBillingJob(now: Date = new Date(), period: string = previousPeriod(now)): Promise<MonthlyBillingOutcome> {
  if (await periodAlreadyBilled(period)) return { period, skipped: 'already_billed', run: null };
  try {
    const run = await runBilling({ period, ctx: systemCtx('billing-scheduler') });
    getLogger().info({ period, invoicesCreated: run.invoicesCreated, unchanged: run.unchanged, failures: run.failures.length, ms: run.ms }, 'jobs: billing');
    return { period, skipped: null, run };
  } catch (err) {
    if (err instanceof ConflictError) return { period, skipped: 'already_running', run: null };
    throw err;
  }
}

/** The previous month is billed from 02:00 UTC on the 1st (the default cron's time), leaving late
 * events (metering journals replayed after an outage) two hours to land. */
export function monthlyBillingDue(now: Date): boolean {
  return now.getUTCDate() > 1 || now.getUTCHours() >= 2;
}

/** A stable job id for a key (pg-boss ids are UUIDs; the job table's primary key refuses a second
 * job with the same id while the first is kept, i.e. until it is archived). */
export function jobIdFor(key: string): string {
  const b = crypto.createHash('sha1').update(`radiant:${key}`).digest();
  b[6] = (b[6]! & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Catch-up at start (pg-boss mode): enqueue the previous month's billing unless it is not due yet
 * or already billed. The job's singleton key `billing-monthly:<YYYY-MM>` (stately queue) and its
 * id derived from that key make it one job however many instances start. Returns the job id, or
 * null when nothing was enqueued (not due, already billed, or another instance enqueued it).
 */
export async function enqueueMonthlyBillingCatchUp(boss: Pick<PgBoss, 'send'>, now: Date = new Date()): Promise<{ period: string; jobId: string | null }> {
  const period = previousPeriod(now);
  if (!monthlyBillingDue(now) || (await periodAlreadyBilled(period))) return { period, jobId: null };
  const singletonKey = `${JOB_QUEUES.monthlyBilling}:${period}`;
  const jobId = await boss.send(JOB_QUEUES.monthlyBilling, { period, catchUp: true }, { id: jobIdFor(singletonKey), singletonKey });
  return { period, jobId };
}

/** RADIANT_GENERATION_JOBS=off: this instance neither polls generation jobs nor runs their
 * pg-boss queues (its API still creates jobs; other instances move them). */
function generationJobsOn(env: NodeJS.ProcessEnv): boolean {
  return (env.RADIANT_GENERATION_JOBS ?? '').toLowerCase() !== 'off';
}

const HANDLE_KEY = Symbol.for('radiant.jobs');
type G = typeof globalThis & { [HANDLE_KEY]?: Promise<JobsHandle> };

/** Start the schedules once per process (idempotent; Next dev reloads modules). */
export function startJobs(env: NodeJS.ProcessEnv = process.env): Promise<JobsHandle> {
  const g = globalThis as G;
  g[HANDLE_KEY] ??= (async () => {
    if ((env.RADIANT_JOBS ?? '').toLowerCase() === 'off') return { kind: 'off', stop: async () => {} } satisfies JobsHandle;
    const h = await (env.DATABASE_URL ? startPgBoss(env.DATABASE_URL, env) : startTimers(env));
    // Video/3D generation jobs: this process's poller (both modes; lib/gateway/jobs/schedule.ts).
    if (generationJobsOn(env)) {
      const { startGenerationJobs } = await import('@/lib/gateway/jobs/schedule');
      startGenerationJobs();
    }
    return h;
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
  boss.on('error', (err) => getLogger().error({ err }, 'jobs: pg-boss error'));
  try {
    await setUpPgBoss(boss, connectionString, env);
  } catch (err) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    throw err;
  }
  return { kind: 'pg-boss', stop: () => boss.stop({ graceful: true, wait: true, timeout: 30_000 }) };
}

/** Arbitrary, constant: "radiant jobs setup" (migrations 7_207_301, bootstrap 7_207_302). */
const JOBS_SETUP_LOCK_KEY = 7_207_303;

async function setUpPgBoss(boss: PgBoss, connectionString: string, env: NodeJS.ProcessEnv): Promise<void> {
  const rollupCron = env.RADIANT_ROLLUP_CRON ?? DEFAULT_ROLLUP_CRON;
  const billingCron = env.RADIANT_BILLING_CRON ?? DEFAULT_BILLING_CRON;
  // Instances starting together on a fresh database would otherwise create pg-boss's queues at
  // the same moment, and pg-boss 10's create_queue() can deadlock against itself (seen in the
  // two-instance test): the setup runs one instance at a time, under an advisory lock held on a
  // connection of its own. Everything in it is idempotent, so later starts just re-check.
  const lockDb = await openDb({ url: connectionString, max: 1, applicationName: 'radiant-jobs-setup' });
  try {
    await withAdvisoryLock(lockDb, JOBS_SETUP_LOCK_KEY, async () => {
      await boss.start();
      await boss.createQueue(JOB_QUEUES.rollup, { name: JOB_QUEUES.rollup, policy: 'stately', expireInSeconds: 3600, retryLimit: 2 });
      await boss.createQueue(JOB_QUEUES.monthlyBilling, {
        name: JOB_QUEUES.monthlyBilling,
        policy: 'stately',
        expireInSeconds: 6 * 3600,
        retryLimit: 3,
        retryDelay: 300,
      });
      await boss.schedule(JOB_QUEUES.rollup, rollupCron, {}, { tz: 'UTC', singletonKey: JOB_QUEUES.rollup });
      await boss.schedule(JOB_QUEUES.monthlyBilling, billingCron, {}, { tz: 'UTC', singletonKey: JOB_QUEUES.monthlyBilling });
      if (generationJobsOn(env)) await createGenerationQueues(boss);
    });
  } finally {
    await lockDb.close();
  }
  if (generationJobsOn(env)) await workGenerationQueues(boss);
  await boss.work(JOB_QUEUES.rollup, async () => {
    await runRollupJob();
  });
  await boss.work<{ period?: unknown }>(JOB_QUEUES.monthlyBilling, async ([job]) => {
    // Cron ticks carry no data (the month before now); the catch-up job names its month.
    const period = typeof job?.data?.period === 'string' && PERIOD_RE.test(job.data.period) ? job.data.period : undefined;
    const out = await runMonthlyBillingJob(new Date(), period);
    return { period: out.period, skipped: out.skipped, invoicesCreated: out.run?.invoicesCreated ?? 0 };
  });
  getLogger().info({ rollupCron, billingCron }, 'jobs: scheduled with pg-boss (UTC)');
  if ((env.RADIANT_BILLING_CATCHUP ?? '').toLowerCase() !== 'off') {
    try {
      const { period, jobId } = await enqueueMonthlyBillingCatchUp(boss);
      if (jobId) getLogger().info({ period, jobId }, 'jobs: catch-up billing enqueued');
    } catch (err) {
      getLogger().error({ err }, 'jobs: could not enqueue the billing catch-up');
    }
  }
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
      if (billedPeriod !== period && monthlyBillingDue(now)) {
        billedPeriod = period;
        await runMonthlyBillingJob(now);
      }
    } catch (err) {
      getLogger().error({ err }, 'jobs: scheduled billing work failed');
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
