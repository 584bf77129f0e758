/**
 * Background work every app instance runs: the notification delivery worker and the scheduled
 * jobs (usage rollup, monthly billing: lib/jobs), and the retention sweeps (lib/server/retention.ts). Each is safe to run on several instances at
 * once (deliveries are claimed with FOR UPDATE SKIP LOCKED; with PostgreSQL the schedules live in
 * pg-boss, which hands each tick to one instance). Started from Next's instrumentation hook, so
 * `npm start`, `next start` and `next dev` all get it; stopped by scripts/start.ts on SIGTERM.
 * RADIANT_BACKGROUND=0 turns all of it off (tests, one-off scripts); RADIANT_JOBS=off only the
 * scheduled jobs, RADIANT_NOTIFICATIONS_WORKER=off only the deliveries.
 */
import { getLogger } from '../observability/logger';
export async function startBackgroundWork(): Promise<void> {
  if (process.env.RADIANT_BACKGROUND === '0') return;
  const { startNotificationWorker } = await import('../notifications/worker');
  startNotificationWorker();
  const { startRetentionSweeps } = await import('./retention');
  startRetentionSweeps();
  const { startJobs } = await import('../jobs');
  try {
    await startJobs();
  } catch (err) {
    // Serving requests matters more than the schedule: log it loudly and keep going.
    getLogger().error({ err }, 'jobs: scheduled jobs could not start (no rollups or monthly billing in this instance)');
  }
}

export async function stopBackgroundWork(): Promise<void> {
  const { stopNotificationWorker } = await import('../notifications/worker');
  await stopNotificationWorker().catch(() => {});
  const { stopRetentionSweeps } = await import('./retention');
  stopRetentionSweeps();
  const { stopJobs } = await import('../jobs');
  await stopJobs().catch(() => {});
}
