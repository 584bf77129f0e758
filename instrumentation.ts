/** Next.js start-up hook: open the database once (PGlite takes seconds to start) and bring it
 * up to date before the first request, for `next start`/`next dev` as for `npm start`. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { bootstrapDatabase } = await import('./lib/server/bootstrap');
  await bootstrapDatabase();
}
