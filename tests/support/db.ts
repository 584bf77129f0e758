/** The test file's database handle (one per worker process), installed as the process handle so
 * domain code that calls getDbHandle() uses it too. */
import fs from 'node:fs';
import { afterAll, inject } from 'vitest';
import { openDb, setDbHandle, type DbHandle } from '../../lib/db/client';

let handlePromise: Promise<DbHandle> | null = null;

export function testDb(): Promise<DbHandle> {
  if (!handlePromise) {
    const cfg = inject('testDb');
    handlePromise = (
      cfg.kind === 'postgres'
        ? openDb({ url: cfg.url, max: 8, applicationName: testApplicationName() })
        : openDb({ loadDataDir: new Blob([fs.readFileSync(cfg.dumpPath)]) })
    ).then((h) => {
      setDbHandle(h);
      return h;
    });
    afterAll(async () => {
      const h = await handlePromise;
      handlePromise = null;
      setDbHandle(null);
      await h?.close();
    });
  }
  return handlePromise;
}

/** This test process's connections carry this name, so a test can cut its OWN connections
 * without touching the test files running in parallel on the same database. */
export function testApplicationName(): string {
  return `radiant-test-${process.pid}`;
}

export function testDbKind(): 'postgres' | 'pglite' {
  return inject('testDb').kind;
}
