/**
 * Retention sweeps: rows that expire are deleted by every instance shortly after start and then
 * every 6 hours. Each sweep is an idempotent DELETE of expired rows, so several instances doing it
 * at once is harmless and no coordination (pg-boss) is needed. Started with the background work
 * (lib/server/background.ts); RADIANT_BACKGROUND=0 turns it off with the rest.
 *  - login_attempts older than RADIANT_LOGIN_ATTEMPTS_RETENTION_DAYS (default 30);
 *  - request_logs past their expires_at (the tenant's retention for request logs, default 30 days);
 *  - idempotency_keys past their expires_at (24 h after the request).
 */
import { pruneLoginAttempts } from '../auth/throttle';
import { withPlatform } from '../db/tenant';
import { purgeExpiredIdempotencyKeys } from '../gateway/idempotency';
import { purgeExpiredRequestLogs } from '../gateway/request-logs';
import { getLogger } from '../observability/logger';

const EVERY_MS = 6 * 3600_000;
const FIRST_AFTER_MS = 60_000;

/** What each sweep deletes; `run` returns the number of rows deleted. */
export const RETENTION_SWEEPS: ReadonlyArray<{ table: string; run: () => Promise<number> }> = [
  { table: 'login_attempts', run: () => withPlatform((tx) => pruneLoginAttempts(tx)) },
  { table: 'request_logs', run: () => purgeExpiredRequestLogs() },
  { table: 'idempotency_keys', run: () => purgeExpiredIdempotencyKeys() },
];

/** One pass over every sweep; a failing sweep is logged and does not stop the others. */
export async function runRetentionSweeps(): Promise<Record<string, number | 'failed'>> {
  const out: Record<string, number | 'failed'> = {};
  for (const sweep of RETENTION_SWEEPS) {
    try {
      out[sweep.table] = await sweep.run();
      if (out[sweep.table]) getLogger().info({ event: 'retention_sweep', table: sweep.table, rows: out[sweep.table] }, 'expired rows deleted');
    } catch (err) {
      out[sweep.table] = 'failed';
      getLogger().warn({ err, table: sweep.table }, 'retention sweep failed; retrying at the next tick');
    }
  }
  return out;
}

const G = globalThis as typeof globalThis & { __radiantRetention?: { first: NodeJS.Timeout; every: NodeJS.Timeout } };

export function startRetentionSweeps(): void {
  if (G.__radiantRetention) return;
  const first = setTimeout(() => void runRetentionSweeps(), FIRST_AFTER_MS);
  const every = setInterval(() => void runRetentionSweeps(), EVERY_MS);
  first.unref();
  every.unref();
  G.__radiantRetention = { first, every };
}

export function stopRetentionSweeps(): void {
  if (!G.__radiantRetention) return;
  clearTimeout(G.__radiantRetention.first);
  clearInterval(G.__radiantRetention.every);
  G.__radiantRetention = undefined;
}
