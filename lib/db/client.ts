/**
 * One database handle per process: PostgreSQL through postgres.js when DATABASE_URL is set,
 * otherwise an embedded PGlite under .radiant/ (RADIANT_DATA_DIR). Both get the same schema,
 * migrations and RLS. Application code never queries this handle directly: it goes through
 * withTenant() or withPlatform() (./tenant.ts), which pick the database role per transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { type SQL } from 'drizzle-orm';
import type { Sql as PostgresSql } from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the whole database or a transaction: what domain functions accept. */
export type Queryable = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where it points, for logs (no password). */
  describe: string;
  close(): Promise<void>;
}

export interface DbConfig {
  /** postgres://... — real PostgreSQL. */
  url?: string;
  /** PGlite data folder. */
  dataDir?: string;
  /** PGlite: start from a dump (tar blob) of a migrated database — fast test fixtures. */
  loadDataDir?: Blob;
  /** postgres.js pool size. */
  max?: number;
  /** PostgreSQL application_name (shows in pg_stat_activity). */
  applicationName?: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DbConfig {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  return { dataDir: path.resolve(env.RADIANT_DATA_DIR ?? '.radiant', 'pgdata') };
}

export async function openDb(config: DbConfig): Promise<DbHandle> {
  if (config.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(config.url, {
      max: config.max ?? 10,
      onnotice: () => {},
      // JIT off: RADIANT's statements are short, and the ones reading the ledger's unrolled tail
      // (`seq > (SELECT last_seq ...)`, in one statement so rollups and tail share a snapshot)
      // are estimated at a third of a month's partition because the mark is unknown at plan time.
      // At 10 M events that made PostgreSQL JIT-compile a 0.6 ms query for 300 ms (BENCHMARKS.md).
      connection: { application_name: config.applicationName ?? 'radiant', jit: 'off' },
      // Money stays a string end to end (NUMERIC -> string is postgres.js's default; keep it).
      prepare: true,
    });
    const db = drizzle(client, { schema }) as unknown as Db;
    // drizzle makes postgres.js pass date/time parameters through untouched (it stringifies them
    // itself for typed columns), so a JS Date in a raw sql`` template would reach the wire as an
    // object and fail. Accept Dates there too, as PGlite does.
    const serializers = (client as unknown as { options: { serializers: Record<string, (v: unknown) => unknown> } }).options.serializers;
    for (const oid of ['1082', '1083', '1114', '1184', '1266']) {
      serializers[oid] = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
    }
    return {
      db,
      kind: 'postgres',
      describe: redactUrl(config.url),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let dataDir: string | undefined;
  if (config.dataDir) {
    // PGlite does not create missing parent folders.
    fs.mkdirSync(path.dirname(config.dataDir), { recursive: true });
    dataDir = config.dataDir;
  }
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(config.loadDataDir ? { loadDataDir: config.loadDataDir } : {}),
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    describe: dataDir ? `pglite:${dataDir}` : 'pglite:memory',
    close: () => client.close(),
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

// ---- the process-wide handle ----------------------------------------------------------------

const GLOBAL_KEY = Symbol.for('radiant.db');
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<DbHandle> };

/** The process's database (opened once; Next dev reloads modules, so it lives on globalThis). */
export function getDbHandle(): Promise<DbHandle> {
  const g = globalThis as GlobalWithDb;
  g[GLOBAL_KEY] ??= openDb(configFromEnv());
  return g[GLOBAL_KEY];
}

/** Tests and scripts install their own handle. */
export function setDbHandle(handle: DbHandle | null): void {
  const g = globalThis as GlobalWithDb;
  if (handle) g[GLOBAL_KEY] = Promise.resolve(handle);
  else delete g[GLOBAL_KEY];
}

export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const p = g[GLOBAL_KEY];
  delete g[GLOBAL_KEY];
  if (p) await (await p).close();
}

/**
 * Runs `fn` while holding a PostgreSQL session-level advisory lock, taken on a connection reserved
 * for the purpose (so `fn` may open transactions of its own on the pool): another process calling
 * this with the same key waits until `fn` is done, or until this process dies (the server then
 * releases the lock with the connection). PGlite is one process by design: `fn` just runs.
 */
export async function withAdvisoryLock<T>(handle: DbHandle, key: number, fn: () => Promise<T>): Promise<T> {
  if (handle.kind !== 'postgres') return fn();
  const client = (handle.db as unknown as { $client: PostgresSql }).$client;
  const conn = await client.reserve();
  try {
    await conn`SELECT pg_advisory_lock(${key}::bigint)`;
    try {
      return await fn();
    } finally {
      await conn`SELECT pg_advisory_unlock(${key}::bigint)`.catch(() => {});
    }
  } finally {
    conn.release();
  }
}

/** db.execute() returns an array with postgres.js and { rows } with PGlite: one shape here. */
export async function queryRows<T extends Record<string, unknown>>(q: Queryable, query: SQL): Promise<T[]> {
  const res = (await q.execute(query)) as unknown;
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows?: T[] }).rows ?? []) as T[];
}
