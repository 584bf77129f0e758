/**
 * npm start — the whole product on one command: bind PORT (default 3000; taken -> a clear message
 * and exit 1 at once, before any other work), build if needed, migrate, load the catalog and the
 * demo world into an empty database (embedded PGlite under .radiant/ unless DATABASE_URL is set),
 * then serve and print where to log in. RADIANT_SERVE=gateway serves only /api/v1 (no Next).
 *
 * Stopping (docs/operations.md, "Stopping an instance"): on SIGTERM/SIGINT, in this order and
 * within RADIANT_SHUTDOWN_DEADLINE_MS (default 25000, inside Kubernetes' 30 s grace):
 *   1. stop accepting (close the listener and idle keep-alive connections);
 *   2. requests in flight finish until the deadline minus a flush reserve; streams still open are
 *      then ended with a final event and metered as partial;
 *   3. metering flushed to the database until the deadline (anything left is in the journal);
 *   4. job workers stopped (pg-boss, notification deliveries);
 *   5. database pools closed;
 *   6. exit 0. A second signal, or the deadline passed by 3 s: journal, exit 1 at once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bootstrapDatabase } from '../lib/server/bootstrap';
import { listen, startRadiantServer } from '../lib/server/node-server';
import { assertProductionReady } from '../lib/server/production';
import { accountsSection } from '../lib/server/start-info';
import { closeDb } from '../lib/db/client';
import { installPostgresWriteGuard } from '../lib/db/postgres-guard';
import { loadFastPath } from '../lib/server/fast-path';

function buildIfNeeded(): void {
  const buildId = path.join(process.cwd(), '.next', 'BUILD_ID');
  if (fs.existsSync(buildId) && process.env.RADIANT_REBUILD !== '1') return;
  console.log('RADIANT: building the app (first start only; takes about a minute)...');
  const r = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build'], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error('next build failed');
}

const DEFAULT_SHUTDOWN_DEADLINE_MS = 25_000;

/** Runs `p` for at most `ms`; never throws. */
async function bounded(what: string, p: () => Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.max(0, ms))));
  const out = await Promise.race([p().catch((err: unknown) => console.error(`RADIANT: ${what} failed:`, err instanceof Error ? err.message : err)), timeout]);
  clearTimeout(timer);
  if (out === 'timeout') console.error(`RADIANT: ${what} did not finish within ${ms} ms; going on`);
}

async function main(): Promise<void> {
  installPostgresWriteGuard(); // a database blip must not kill the process (lib/db/postgres-guard.ts)
  assertProductionReady(); // production mode without real secrets: refuse (docs/security.md)
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOST ?? '0.0.0.0';
  // The port first: an instance that cannot listen must not start workers against the database.
  const bound = await listen(port, hostname);
  const gatewayOnly = process.env.RADIANT_SERVE === 'gateway';
  if (!gatewayOnly) buildIfNeeded();
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const { handle, seeded, migrated, setupLink } = await bootstrapDatabase();
  if (migrated.length) console.log(`RADIANT: applied migrations ${migrated.join(', ')}`);
  if (seeded) console.log('RADIANT: loaded the catalog and the demo world');

  const fastPath = await loadFastPath();
  const srv = await startRadiantServer({ port, hostname, fastPath, next: !gatewayOnly }, bound);
  if (gatewayOnly) {
    // No Next, so no instrumentation hook: start the background work here.
    const { startBackgroundWork } = await import('../lib/server/background');
    await startBackgroundWork();
  }
  installShutdown(srv);

  console.log(`
RADIANT is running on ${srv.url}  (database: ${handle.describe})

${await accountsSection(handle.db, srv.url, setupLink)}
  Gateway         ${srv.url}/api/v1  (OpenAI-compatible; create a key in the portal)
`);
}

function installShutdown(srv: Awaited<ReturnType<typeof startRadiantServer>>): void {
  const deadlineMs = Number(process.env.RADIANT_SHUTDOWN_DEADLINE_MS) > 0 ? Number(process.env.RADIANT_SHUTDOWN_DEADLINE_MS) : DEFAULT_SHUTDOWN_DEADLINE_MS;
  let stopping = false;
  const now = async (why: string) => {
    console.error(`RADIANT: ${why}; journaling metering and exiting now`);
    const { emergencyStopGateway } = await import('../lib/server/fast-path');
    await emergencyStopGateway().catch(() => {});
    process.exit(1);
  };
  const stop = async (signal: string) => {
    if (stopping) return void now(`second ${signal}`);
    stopping = true;
    const started = Date.now();
    const left = () => deadlineMs - (Date.now() - started);
    // The process always exits: 3 s past the deadline at the latest.
    setTimeout(() => void now(`shutdown deadline (${deadlineMs} ms) passed`), deadlineMs + 3000).unref();
    console.log(`RADIANT: ${signal}, shutting down (deadline ${deadlineMs} ms)`);
    // 1. stop accepting
    srv.stopAccepting();
    // 2 + 3. in-flight requests until the deadline (open streams ended), then metering flushed
    const { shutdownGateway } = await import('../lib/server/fast-path');
    await bounded('gateway shutdown', () => shutdownGateway(Math.max(1000, left() - 2000)), Math.max(1000, left() - 1500));
    await bounded('closing connections', () => srv.close(), Math.min(1000, Math.max(100, left() - 1000)));
    // 4. job workers
    const { stopBackgroundWork } = await import('../lib/server/background');
    await bounded('stopping job workers', () => stopBackgroundWork(), Math.max(500, left() - 500));
    // 5. pools
    await bounded('closing database pools', () => closeDb(), Math.max(300, left()));
    console.log(`RADIANT: stopped in ${Date.now() - started} ms`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('RADIANT failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
