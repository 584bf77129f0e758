/**
 * Background work every app instance runs: the notification delivery worker (and, registered by
 * their owners, scheduled jobs). Each is safe to run on several instances at once (rows are
 * claimed with FOR UPDATE SKIP LOCKED; scheduled jobs are singletons). Started from Next's
 * instrumentation hook, so `npm start`, `next start` and `next dev` all get it; stopped by
 * scripts/start.ts on SIGTERM. RADIANT_BACKGROUND=0 turns it off (tests, one-off scripts).
 */
export async function startBackgroundWork(): Promise<void> {
  if (process.env.RADIANT_BACKGROUND === '0') return;
  const { startNotificationWorker } = await import('../notifications/worker');
  startNotificationWorker();
}

export async function stopBackgroundWork(): Promise<void> {
  const { stopNotificationWorker } = await import('../notifications/worker');
  await stopNotificationWorker().catch(() => {});
}
