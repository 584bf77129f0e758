/**
 * Accounting periods: one per month, created lazily, open -> closing -> closed.
 *
 *  - open:    usage is booked to it; entries may be added.
 *  - closing: a close has been proposed (two-person approval pending). Usage that arrives for it
 *             now is booked to the next open period (late usage); manual entries are still
 *             accepted until the close is approved.
 *  - closed:  the approval executed `billing.close_period`. Nothing is added, changed or removed
 *             (app checks here + a trigger on the books, migration 0005_billing_integrity). Terminal.
 * A rejected/expired/cancelled close leaves the period `closing`; proposing again is allowed.
 */
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db, type Tx } from '@/lib/db/client';
import { accountingPeriods } from '@/lib/db/schema';
import { isUuid, withPlatform } from '@/lib/db/tenant';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError } from '@/lib/errors';
import { dec, toDbString } from '@/lib/pricing/money';
import type { ExecutedChange, PreviewChange } from '@/lib/governance/executors';
import { approvalStatus } from '@/lib/governance/approval-status';
import { lockBookingExclusive } from './locks';
import { addMonths, currentPeriod, hasEnded, periodRange } from './period';
import { periodSchema } from '@/lib/platform/schemas';

export type PeriodRow = typeof accountingPeriods.$inferSelect;

export const CLOSE_PERIOD_ACTION = 'billing.close_period';

/** The period row, created (open) when missing. */
export async function ensurePeriod(tx: Tx, period: string): Promise<PeriodRow> {
  const r = periodRange(period);
  await tx.insert(accountingPeriods).values({ period, startsOn: r.start, endsOn: r.end }).onConflictDoNothing();
  const [row] = await tx.select().from(accountingPeriods).where(eq(accountingPeriods.period, period));
  return row!;
}

/** App-side guard for writes into a period (the trigger is the backstop). */
export async function assertPeriodNotClosed(tx: Tx, period: string): Promise<PeriodRow> {
  const row = await ensurePeriod(tx, period);
  if (row.status === 'closed') {
    throw new InvalidStateError(`accounting period ${period} is closed: it accepts no new entries`, {
      details: { period, nextOpenPeriod: await nextOpenPeriod(tx, period) },
    });
  }
  return row;
}

/** The first period after `period` whose status is open (created lazily). */
export async function nextOpenPeriod(tx: Tx, period: string): Promise<string> {
  let p = addMonths(period, 1);
  for (let i = 0; i < 600; i++, p = addMonths(p, 1)) {
    const row = await ensurePeriod(tx, p);
    if (row.status === 'open') return p;
  }
  throw new InvalidStateError(`no open accounting period after ${period}`);
}

export interface PeriodSummary {
  id: string;
  period: string;
  startsOn: string;
  endsOn: string;
  status: PeriodRow['status'];
  ended: boolean;
  closeApprovalId: string | null;
  closeApprovalStatus: string | null;
  closeRequestedBy: string | null;
  closedBy: string | null;
  closedAt: string | null;
  /** Metered revenue (price), cost and margin booked to the period (exact strings). */
  revenue: string;
  cost: string;
  margin: string;
  requests: number;
  invoices: { issued: number; total: string; draft: number; void: number };
  tenantsWithUsage: number;
  tenantsNotInvoiced: number;
  lateUsageEntries: number;
  totals: unknown;
}

/** Periods, newest first; the current and previous month are created on first look. */
export async function listPeriods(opts: { limit?: number; db?: Db } = {}): Promise<PeriodSummary[]> {
  return withPlatform(async (tx) => {
    const cur = currentPeriod();
    await ensurePeriod(tx, addMonths(cur, -1));
    await ensurePeriod(tx, cur);
    const rows = await tx
      .select()
      .from(accountingPeriods)
      .orderBy(desc(accountingPeriods.period))
      .limit(opts.limit ?? 24);
    const out: PeriodSummary[] = [];
    for (const r of rows) out.push(await summarize(tx, r));
    return out;
  }, opts.db);
}

export async function getPeriod(idOrPeriod: string): Promise<PeriodSummary> {
  return withPlatform(async (tx) => summarize(tx, await findPeriod(tx, idOrPeriod)));
}

export async function findPeriod(tx: Tx, idOrPeriod: string): Promise<PeriodRow> {
  if (/^\d{4}-\d{2}$/.test(idOrPeriod)) return ensurePeriod(tx, idOrPeriod);
  if (!isUuid(idOrPeriod)) throw new ValidationError('period id must be a UUID or YYYY-MM', [{ path: 'id', message: 'invalid' }]);
  const [row] = await tx.select().from(accountingPeriods).where(eq(accountingPeriods.id, idOrPeriod));
  if (!row) throw new NotFoundError('accounting period not found');
  return row;
}

export async function summarize(tx: Tx, r: PeriodRow): Promise<PeriodSummary> {
  const range = periodRange(r.period);
  const [m] = await queryRows<{ revenue: string | null; cost: string | null; requests: string | number | null }>(
    tx,
    sql`SELECT sum(revenue)::text AS revenue, sum(cost)::text AS cost, sum(request_count) AS requests
          FROM model_revenue_tracking WHERE period = ${r.period}`,
  );
  const [inv] = await queryRows<{ issued: number | string; total: string | null; draft: number | string; void: number | string }>(
    tx,
    sql`SELECT count(*) FILTER (WHERE status NOT IN ('draft', 'void')) AS issued,
               coalesce(sum(total_amount) FILTER (WHERE status NOT IN ('draft', 'void')), 0)::text AS total,
               count(*) FILTER (WHERE status = 'draft') AS draft,
               count(*) FILTER (WHERE status = 'void') AS void
          FROM invoices WHERE period = ${r.period}`,
  );
  const [ten] = await queryRows<{ with_usage: number | string; not_invoiced: number | string }>(
    tx,
    sql`SELECT count(*) AS with_usage,
               count(*) FILTER (WHERE NOT EXISTS (
                 SELECT 1 FROM invoices i WHERE i.tenant_id = u.tenant_id AND i.period = ${r.period}
                    AND i.status NOT IN ('draft', 'void'))) AS not_invoiced
          FROM (SELECT DISTINCT tenant_id FROM usage_rollups
                 WHERE rollup_date >= ${range.start}::date AND rollup_date < ${range.nextStart}::date) u`,
  );
  const [late] = await queryRows<{ n: number | string }>(
    tx,
    sql`SELECT count(*) AS n FROM reconciliation_entries WHERE period = ${r.period} AND kind = 'late_usage'`,
  );
  const revenue = dec(m?.revenue ?? '0');
  const cost = dec(m?.cost ?? '0');
  return {
    id: r.id,
    period: r.period,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    status: r.status,
    ended: hasEnded(r.period),
    closeApprovalId: r.closeApprovalId,
    closeApprovalStatus: r.closeApprovalId ? await approvalStatus(tx, r.closeApprovalId) : null,
    closeRequestedBy: r.closeRequestedBy,
    closedBy: r.closedBy,
    closedAt: r.closedAt ? r.closedAt.toISOString() : null,
    revenue: toDbString(revenue),
    cost: toDbString(cost),
    margin: toDbString(revenue.minus(cost)),
    requests: Number(m?.requests ?? 0),
    invoices: { issued: Number(inv?.issued ?? 0), total: inv?.total ?? '0', draft: Number(inv?.draft ?? 0), void: Number(inv?.void ?? 0) },
    tenantsWithUsage: Number(ten?.with_usage ?? 0),
    tenantsNotInvoiced: Number(ten?.not_invoiced ?? 0),
    lateUsageEntries: Number(late?.n ?? 0),
    totals: r.totals ?? null,
  };
}

export async function assertClosable(tx: Tx, p: PeriodRow): Promise<void> {
  if (!hasEnded(p.period)) throw new InvalidStateError(`period ${p.period} has not ended yet`);
  if (p.status === 'closed') throw new InvalidStateError(`period ${p.period} is already closed`);
  if (p.status === 'closing' && p.closeApprovalId) {
    const st = await approvalStatus(tx, p.closeApprovalId);
    if (st === 'pending' || st === 'approved' || st === 'executed') throw new ConflictError(`a close of ${p.period} is already awaiting approval`);
  }
}

export const closePeriodPayload = z.object({ periodId: z.uuid(), period: periodSchema });

/** Executor body for `billing.close_period`: runs inside the approving transaction. */
export async function executeClosePeriod(
  tx: Tx,
  payload: z.output<typeof closePeriodPayload>,
  meta: { approvalId: string; approvedBy: string; now: Date },
): Promise<ExecutedChange[]> {
  await lockBookingExclusive(tx);
  const [p] = await tx.select().from(accountingPeriods).where(eq(accountingPeriods.id, payload.periodId)).for('update');
  if (!p) throw new NotFoundError('accounting period not found');
  if (p.status !== 'closing' || p.closeApprovalId !== meta.approvalId) {
    throw new InvalidStateError(`period ${p.period} is ${p.status}; this approval no longer applies`);
  }
  const summary = await summarize(tx, p);
  if (summary.tenantsNotInvoiced > 0) throw new InvalidStateError(`${summary.tenantsNotInvoiced} tenant(s) in ${p.period} have no issued invoice`);
  const totals = {
    revenue: summary.revenue,
    cost: summary.cost,
    margin: summary.margin,
    requests: summary.requests,
    invoicesIssued: summary.invoices.issued,
    invoicedTotal: summary.invoices.total,
    lateUsageEntries: summary.lateUsageEntries,
  };
  await tx
    .update(accountingPeriods)
    .set({ status: 'closed', closedBy: meta.approvedBy, closedAt: meta.now, totals, updatedAt: meta.now })
    .where(eq(accountingPeriods.id, p.id));
  return [
    {
      resourceType: 'accounting_period',
      resourceId: p.id,
      oldValues: { period: p.period, status: 'closing' },
      newValues: { period: p.period, status: 'closed', totals },
    },
  ];
}

/** What a close would do, for the approval screen. */
export async function previewClosePeriod(tx: Tx, payload: z.output<typeof closePeriodPayload>): Promise<PreviewChange[]> {
  const [p] = await tx.select().from(accountingPeriods).where(eq(accountingPeriods.id, payload.periodId));
  if (!p) throw new NotFoundError('accounting period not found');
  const s = await summarize(tx, p);
  return [
    {
      resourceType: 'accounting_period',
      resourceId: p.id,
      before: { period: p.period, status: p.status },
      after: { period: p.period, status: 'closed', revenue: s.revenue, cost: s.cost, margin: s.margin, invoicesIssued: s.invoices.issued },
    },
  ];
}
