/** Security test helpers: a FRESH database of the run's kind (empty of people), and a child
 * process environment without the test runner's own variables. */
import fs from 'node:fs';
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb, type DbHandle } from '../../lib/db/client';
import { migrate } from '../../lib/db/migrate';

export interface FreshDb {
  handle: DbHandle;
  /** postgres:// URL of the fresh database (PostgreSQL runs only). */
  url: string | null;
  drop(): Promise<void>;
}

export async function freshDb(label: string): Promise<FreshDb> {
  const cfg = inject('testDb');
  if (cfg.kind === 'pglite') {
    const handle = await openDb({ loadDataDir: new Blob([fs.readFileSync(cfg.dumpPath)]) });
    return { handle, url: null, drop: () => handle.close() };
  }
  const admin = await openDb({ url: cfg.url, max: 1 });
  const name = `radiant_sec_${label}_${process.pid}_${Date.now()}`;
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const u = new URL(cfg.url);
  u.pathname = `/${name}`;
  const handle = await openDb({ url: u.toString(), max: 4 });
  await migrate(handle.db);
  return {
    handle,
    url: u.toString(),
    async drop() {
      await handle.close().catch(() => {});
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
      await admin.close();
    },
  };
}

/** The parent's environment minus the test runner's and RADIANT's own variables. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(VITEST|TEST_|DATABASE_URL$|NODE_ENV$|RADIANT_|E2E_|AUTH_)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}
