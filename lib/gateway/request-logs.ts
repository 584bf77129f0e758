/**
 * Opt-in request logging (tenants.request_logging_enabled): the prompt and the response of each
 * request are kept in request_logs, visible only to that tenant (RLS) and to auditors, until
 * expires_at = created_at + the tenant's retention for "request_logs" in data_retention_policies
 * (default 30 days). `purgeExpiredRequestLogs()` deletes expired rows; the job scheduler calls it.
 * Writes go through the metering writer (batched, off the response path).
 */
import { lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { requestLogs } from '../db/schema';
import { withPlatform } from '../db/tenant';

export async function purgeExpiredRequestLogs(options: { db?: Db; now?: Date } = {}): Promise<number> {
  return withPlatform(async (tx) => {
    const rows = await tx
      .delete(requestLogs)
      .where(lt(requestLogs.expiresAt, options.now ?? sql`now()`))
      .returning({ id: requestLogs.id });
    return rows.length;
  }, options.db);
}
