/**
 * Once per `vitest run`: build one migrated database for the run.
 *  - TEST_DATABASE_URL set: a fresh database on that server (dropped afterwards).
 *  - otherwise: a migrated PGlite dumped to a tarball; each test file loads its own copy (~1 s).
 * Test files then make fresh tenants per test (tests/support/factories.ts), so nothing is shared
 * between tests but the catalog.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../lib/db/client';
import { migrate } from '../../lib/db/migrate';
import { seedCatalog } from '../../lib/catalog/seed';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { kind: 'postgres'; url: string } | { kind: 'pglite'; dumpPath: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `radiant_test_${process.pid}_${Date.now()}`;
    const admin = await openDb({ url: serverUrl, max: 1 });
    await admin.db.execute(`CREATE DATABASE ${name}` as never);
    await admin.close();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const handle = await openDb({ url: url.toString(), max: 2 });
    await migrate(handle.db);
    await seedCatalog(handle.db);
    await handle.close();
    project.provide('testDb', { kind: 'postgres', url: url.toString() });
    return async () => {
      const a = await openDb({ url: serverUrl, max: 1 });
      await a.db.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)` as never);
      await a.close();
    };
  }
  const handle = await openDb({});
  await migrate(handle.db);
  await seedCatalog(handle.db);
  const { PGlite } = await import('@electric-sql/pglite');
  void PGlite;
  const client = (handle.db as unknown as { $client: { dumpDataDir(c?: 'gzip' | 'none'): Promise<Blob> } }).$client;
  const blob = await client.dumpDataDir('none');
  const dumpPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-test-')), 'migrated.tar');
  fs.writeFileSync(dumpPath, Buffer.from(await blob.arrayBuffer()));
  await handle.close();
  project.provide('testDb', { kind: 'pglite', dumpPath });
  return async () => {
    fs.rmSync(path.dirname(dumpPath), { recursive: true, force: true });
  };
}
