/** Next.js start-up hook: open the database once (PGlite takes seconds to start) and bring it
 * up to date before the first request, then start background work — for `next start`,
 * `next dev` and `npm start` alike. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // `next start` / `next dev` too: production mode without real secrets does not serve.
  const { assertProductionReady, ProductionConfigError } = await import('./lib/server/production');
  try {
    assertProductionReady();
  } catch (err) {
    if (!(err instanceof ProductionConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  const { bootstrapDatabase } = await import('./lib/server/bootstrap');
  await bootstrapDatabase();
  const { startBackgroundWork } = await import('./lib/server/background');
  await startBackgroundWork();
}
