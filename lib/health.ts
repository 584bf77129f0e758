/** Health: the app's version and whether the database answers (with its latency). */
import { sql } from 'drizzle-orm';
import { getDbHandle } from './db/client';
import pkg from '../package.json';

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  database: { ok: boolean; kind: 'postgres' | 'pglite' | 'unknown'; latencyMs: number | null };
  time: string;
}

export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  let database: Health['database'] = { ok: false, kind: 'unknown', latencyMs: null };
  try {
    const h = await getDbHandle();
    await h.db.execute(sql`SELECT 1`);
    database = { ok: true, kind: h.kind, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch {
    // The reason goes to the log, not to an unauthenticated caller.
  }
  return { status: database.ok ? 'ok' : 'degraded', version: pkg.version, database, time: new Date().toISOString() };
}
