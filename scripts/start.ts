/**
 * npm start — the whole product on one command: build if needed, migrate, load the catalog and
 * the demo world into an empty database (embedded PGlite under .radiant/ unless DATABASE_URL is
 * set), then serve on PORT (default 3000) and print where to log in.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bootstrapDatabase } from '../lib/server/bootstrap';
import { startRadiantServer } from '../lib/server/node-server';
import { assertProductionReady } from '../lib/server/production';
import { accountsSection } from '../lib/server/start-info';
import { closeDb } from '../lib/db/client';
import { loadFastPath } from '../lib/server/fast-path';

function buildIfNeeded(): void {
  const buildId = path.join(process.cwd(), '.next', 'BUILD_ID');
  if (fs.existsSync(buildId) && process.env.RADIANT_REBUILD !== '1') return;
  console.log('RADIANT: building the app (first start only; takes about a minute)...');
  const r = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build'], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error('next build failed');
}

async function main(): Promise<void> {
  assertProductionReady(); // production mode without real secrets: refuse (docs/security.md)
  buildIfNeeded();
  (process.env as Record<string, string>).NODE_ENV = 'production';
  const { handle, seeded, migrated, setupLink } = await bootstrapDatabase();
  if (migrated.length) console.log(`RADIANT: applied migrations ${migrated.join(', ')}`);
  if (seeded) console.log('RADIANT: loaded the catalog and the demo world');

  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOST ?? '0.0.0.0';
  const fastPath = await loadFastPath();
  const srv = await startRadiantServer({ port, hostname, fastPath });

  console.log(`
RADIANT is running on ${srv.url}  (database: ${handle.describe})

${await accountsSection(srv.url, handle.db, setupLink)}
  Gateway         ${srv.url}/api/v1  (OpenAI-compatible; create a key in the portal)
`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`RADIANT: ${signal}, shutting down`);
    await srv.close().catch(() => {});
    const { shutdownGateway } = await import('../lib/server/fast-path');
    await shutdownGateway().catch(() => {});
    const { stopBackgroundWork } = await import('../lib/server/background');
    await stopBackgroundWork();
    await closeDb().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('RADIANT failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
