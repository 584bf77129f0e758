/** Next.js start-up hook: open the database once (PGlite takes seconds to start) and bring it
 * up to date before the first request, then start background work — for `next start`,
 * `next dev` and `npm start` alike. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { bootstrapDatabase } = await import('./lib/server/bootstrap');
  await bootstrapDatabase();
  const { startBackgroundWork } = await import('./lib/server/background');
  await startBackgroundWork();
}
