/**
 * The demo world's history: fold its usage into the rollups and books, and issue the invoices
 * of the month before last (so the portal has invoices at once, while last month is left for
 * an administrator to bill from the console, or, with scheduled jobs on, for the monthly billing
 * job's catch-up a few seconds after start: lib/jobs). Runs after seedDemo has committed: billing
 * opens its own transactions.
 */
import type { Db } from '../db/client';
import { rollupUsage } from '../billing/rollups';
import { runBilling } from '../billing/runs';
import { systemCtx } from '../platform/context';

export function monthBeforeLast(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function billDemoHistory(db: Db, now = new Date()): Promise<{ period: string; invoices: number }> {
  await rollupUsage({ db });
  const period = monthBeforeLast(now);
  const result = await runBilling({ period, ctx: systemCtx('demo-seed'), db });
  return { period, invoices: result.invoicesCreated };
}
