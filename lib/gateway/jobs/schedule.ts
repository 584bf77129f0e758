/**
 * How generation jobs are driven in a running app (started by lib/jobs `startJobs()`):
 *  - every instance runs the in-process poller of the process gateway's jobs runtime (lease-
 *    claimed, so instances never work on one job at once): on the embedded database (PGlite,
 *    single process by design) this is all there is, and it is enough;
 *  - with PostgreSQL, pg-boss adds two scheduled queues: `generation-jobs-sweep` (every minute,
 *    one instance: claims any due job and delivers due webhooks, so jobs still move when an
 *    instance's poller is stopped or stuck) and `generation-jobs-retention` (hourly: deletes the
 *    files and rows of jobs past their retention). Both are `stately` (one queued, one active).
 */
import type PgBoss from 'pg-boss';
import { getGateway } from '../index';
import { applyRetention, runDueJobs, tenantScope } from './runner';
import { jobsRuntimeFor } from './service';
import { deliverDueWebhooks } from './webhooks';

export const GENERATION_QUEUES = { sweep: 'generation-jobs-sweep', retention: 'generation-jobs-retention' } as const;

/** Queues and schedules (call under the jobs setup lock; idempotent). */
export async function createGenerationQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(GENERATION_QUEUES.sweep, { name: GENERATION_QUEUES.sweep, policy: 'stately', expireInSeconds: 300, retryLimit: 0 });
  await boss.createQueue(GENERATION_QUEUES.retention, { name: GENERATION_QUEUES.retention, policy: 'stately', expireInSeconds: 3600, retryLimit: 2 });
  await boss.schedule(GENERATION_QUEUES.sweep, '* * * * *', {}, { tz: 'UTC', singletonKey: GENERATION_QUEUES.sweep });
  await boss.schedule(GENERATION_QUEUES.retention, '17 * * * *', {}, { tz: 'UTC', singletonKey: GENERATION_QUEUES.retention });
}

export async function workGenerationQueues(boss: PgBoss): Promise<void> {
  await boss.work(GENERATION_QUEUES.sweep, async () => {
    const rt = jobsRuntimeFor(getGateway());
    let n = 0;
    for (let i = 0; i < 20; i++) {
      const got = await runDueJobs(rt, 20);
      n += got;
      if (got < 20) break;
    }
    const w = await deliverDueWebhooks({ db: await rt.db(), scope: tenantScope(rt) });
    return { jobs: n, webhooks: w };
  });
  await boss.work(GENERATION_QUEUES.retention, async () => applyRetention(jobsRuntimeFor(getGateway())));
}

/** Start this process's poller now (not at the first request), so jobs left by a previous run resume. */
export function startGenerationJobs(): void {
  jobsRuntimeFor(getGateway());
}
