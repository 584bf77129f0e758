/**
 * The revenue and cost books, and the margin report.
 *
 *  - revenue_entries `ai_usage` and cost_entries `provider_usage` are written by the rollups
 *    (./rollups.ts), one row per tenant/model/day (source_ref unique), so regenerating is
 *    idempotent and they always equal the rollups;
 *  - admins add subscriptions, credits and adjustments (revenue) and infrastructure, platform
 *    fees and other costs (cost) here; a closed period refuses them (app + trigger).
 *
 * Margin report: metered revenue (the PRICE of usage), cost and margin per provider, model or
 * tenant for a period (booked period), from model_revenue_tracking (provider, model) or
 * tenant_daily_aggregates (tenant). margin = revenue - cost exactly, per row and in total. With
 * `reconcile`, `books` and `usageEvents` prove the totals against the books and against the
 * usage_events booked to the period.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db, type Tx } from '@/lib/db/client';
import { costEntries, revenueEntries, tenants } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { type Decimal, ZERO, dec, marginPercentOfPrice, toDbString } from '@/lib/pricing/money';
import { adminIdOf, type OperatorContext } from '../platform/context';
import { auditFields, writeAudit } from '@/lib/platform/audit';
import { periodRange } from './period';
import { assertPeriodNotClosed } from './periods';
import { daySchema, moneySchema, periodSchema } from '@/lib/platform/schemas';

// ---------------------------------------------------------------------------------------------
// Manual entries
// ---------------------------------------------------------------------------------------------

export const revenueEntryInputSchema = z
  .object({
    tenantId: z.uuid(),
    kind: z.enum(['subscription', 'credit', 'adjustment']),
    /** Signed: subscriptions are positive, credits negative, adjustments either. */
    amount: moneySchema,
    entryDate: daySchema,
    description: z.string().trim().min(3).max(500),
  })
  .superRefine((v, c) => {
    const a = dec(v.amount);
    if (v.kind === 'subscription' && !a.greaterThan(0)) c.addIssue({ code: 'custom', path: ['amount'], message: 'a subscription is a positive amount' });
    if (v.kind === 'credit' && !a.lessThan(0)) c.addIssue({ code: 'custom', path: ['amount'], message: 'a credit is a negative amount' });
    if (a.isZero()) c.addIssue({ code: 'custom', path: ['amount'], message: 'amount cannot be zero' });
  });
export type RevenueEntryInput = z.input<typeof revenueEntryInputSchema>;

export const costEntryInputSchema = z.object({
  kind: z.enum(['infrastructure', 'platform_fee', 'other']),
  amount: moneySchema.refine((s) => !dec(s).isZero(), 'amount cannot be zero'),
  entryDate: daySchema,
  providerId: z.string().trim().max(50).optional(),
  tenantId: z.uuid().optional(),
  description: z.string().trim().min(3).max(500),
});
export type CostEntryInput = z.input<typeof costEntryInputSchema>;

export interface EntryView {
  id: string;
  book: 'revenue' | 'cost';
  period: string;
  entryDate: string;
  kind: string;
  tenantId: string | null;
  tenantName: string | null;
  modelId: string | null;
  providerId: string | null;
  amount: string;
  costBasis: string | null;
  markupAmount: string | null;
  sourceRef: string | null;
  description: string | null;
  createdBy: string | null;
  createdAt: string;
}

export async function createRevenueEntry({ ctx, input, db }: { ctx: OperatorContext; input: RevenueEntryInput; db?: Db }): Promise<EntryView> {
  const v = revenueEntryInputSchema.parse(input);
  const period = v.entryDate.slice(0, 7);
  return withPlatform(async (tx) => {
    await assertPeriodNotClosed(tx, period);
    const [t] = await tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, v.tenantId));
    if (!t) throw new NotFoundError('tenant not found');
    const [row] = await tx
      .insert(revenueEntries)
      .values({ tenantId: v.tenantId, period, entryDate: v.entryDate, kind: v.kind, amount: v.amount, description: v.description, createdBy: adminIdOf(ctx) })
      .returning();
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'billing.revenue_entry.created',
      resourceType: 'revenue_entry',
      resourceId: row!.id,
      tenantId: v.tenantId,
      newValues: v,
    });
    return revenueView(row!, t.name);
  }, db);
}

export async function createCostEntry({ ctx, input, db }: { ctx: OperatorContext; input: CostEntryInput; db?: Db }): Promise<EntryView> {
  const v = costEntryInputSchema.parse(input);
  const period = v.entryDate.slice(0, 7);
  return withPlatform(async (tx) => {
    await assertPeriodNotClosed(tx, period);
    if (v.providerId) {
      const [p] = await queryRows<{ id: string }>(tx, sql`SELECT id FROM providers WHERE id = ${v.providerId}`);
      if (!p) throw new ValidationError('unknown provider', [{ path: 'providerId', message: 'no such provider' }]);
    }
    const [row] = await tx
      .insert(costEntries)
      .values({
        tenantId: v.tenantId ?? null,
        period,
        entryDate: v.entryDate,
        kind: v.kind,
        providerId: v.providerId ?? null,
        amount: v.amount,
        description: v.description,
        createdBy: adminIdOf(ctx),
      })
      .returning();
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'billing.cost_entry.created',
      resourceType: 'cost_entry',
      resourceId: row!.id,
      tenantId: v.tenantId ?? null,
      newValues: v,
    });
    return costView(row!, null);
  }, db);
}

function revenueView(r: typeof revenueEntries.$inferSelect, tenantName: string | null): EntryView {
  return {
    id: r.id,
    book: 'revenue',
    period: r.period,
    entryDate: r.entryDate,
    kind: r.kind,
    tenantId: r.tenantId,
    tenantName,
    modelId: r.modelId,
    providerId: r.providerId,
    amount: r.amount,
    costBasis: r.costBasis,
    markupAmount: r.markupAmount,
    sourceRef: r.sourceRef,
    description: r.description,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

function costView(r: typeof costEntries.$inferSelect, tenantName: string | null): EntryView {
  return {
    id: r.id,
    book: 'cost',
    period: r.period,
    entryDate: r.entryDate,
    kind: r.kind,
    tenantId: r.tenantId,
    tenantName,
    modelId: r.modelId,
    providerId: r.providerId,
    amount: r.amount,
    costBasis: null,
    markupAmount: null,
    sourceRef: r.sourceRef,
    description: r.description,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Entries of one book for a period (paged; newest first within the period). */
export async function listEntries(opts: {
  book: 'revenue' | 'cost';
  period: string;
  kind?: string;
  limit?: number;
  offset?: number;
  db?: Db;
}): Promise<{ items: EntryView[]; limit: number; offset: number }> {
  const period = periodSchema.parse(opts.period);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const offset = Math.max(opts.offset ?? 0, 0);
  return withPlatform(async (tx) => {
    if (opts.book === 'revenue') {
      const rows = await tx
        .select({ r: revenueEntries, name: tenants.name })
        .from(revenueEntries)
        .leftJoin(tenants, eq(tenants.id, revenueEntries.tenantId))
        .where(and(eq(revenueEntries.period, period), opts.kind ? eq(revenueEntries.kind, opts.kind as 'ai_usage') : undefined))
        .orderBy(desc(revenueEntries.entryDate), asc(revenueEntries.id))
        .limit(limit)
        .offset(offset);
      return { items: rows.map((x) => revenueView(x.r, x.name)), limit, offset };
    }
    const rows = await tx
      .select({ r: costEntries, name: tenants.name })
      .from(costEntries)
      .leftJoin(tenants, eq(tenants.id, costEntries.tenantId))
      .where(and(eq(costEntries.period, period), opts.kind ? eq(costEntries.kind, opts.kind as 'other') : undefined))
      .orderBy(desc(costEntries.entryDate), asc(costEntries.id))
      .limit(limit)
      .offset(offset);
    return { items: rows.map((x) => costView(x.r, x.name)), limit, offset };
  }, opts.db);
}

// ---------------------------------------------------------------------------------------------
// Margin report
// ---------------------------------------------------------------------------------------------

export const MARGIN_GROUPS = ['provider', 'model', 'tenant'] as const;
export type MarginGroupBy = (typeof MARGIN_GROUPS)[number];

export interface MarginRow {
  key: string;
  label: string;
  /** For model rows: the model's provider. */
  providerId: string | null;
  requests: number;
  revenue: string;
  cost: string;
  margin: string;
  /** Margin as % of revenue (4 dp; 0 when revenue is 0). */
  marginPercent: string;
  /** (revenue - cost) / cost x 100 (4 dp); null when cost is 0. */
  effectiveMarkupPercent: string | null;
}

export interface MarginReport {
  period: string;
  groupBy: MarginGroupBy;
  rows: MarginRow[];
  totals: Omit<MarginRow, 'key' | 'label' | 'providerId'>;
  /** Present with reconcile=true: the usage part of the books for the period (equals the totals). */
  books?: { aiUsageRevenue: string; markupAmount: string; providerUsageCost: string; matchesUsage: boolean };
  otherRevenue: { subscription: string; credit: string; adjustment: string; total: string };
  otherCost: { infrastructure: string; platformFee: string; other: string; total: string };
  reconciliation: { lateUsage: string; manualAdjustmentsApplied: string; manualAdjustmentsPending: string };
  invoiced: { invoices: number; subtotal: string; freeTierCredit: string; discount: string; tax: string; total: string };
  /** Metered revenue + other revenue - metered cost - other cost. */
  netMargin: string;
  /** Present when asked for (reconcile=true): usage_events booked to the period. */
  usageEvents?: { events: number; revenue: string; cost: string; margin: string; matches: boolean; pendingEvents: number };
}

function effectiveMarkup(revenue: Decimal, cost: Decimal): string | null {
  if (cost.isZero()) return null;
  return toDbString(revenue.minus(cost).div(cost).times(100).toDecimalPlaces(4));
}

function figures(requests: number, revenue: Decimal, cost: Decimal) {
  return {
    requests,
    revenue: toDbString(revenue),
    cost: toDbString(cost),
    margin: toDbString(revenue.minus(cost)),
    marginPercent: toDbString(marginPercentOfPrice(cost, revenue)),
    effectiveMarkupPercent: effectiveMarkup(revenue, cost),
  };
}

/** Sums per kind of the MANUAL entries of a period (the usage rows are not read). */
async function sumsBy(tx: Tx, table: 'revenue_entries' | 'cost_entries', period: string): Promise<Map<string, Decimal>> {
  const kinds = table === 'revenue_entries' ? ['subscription', 'credit', 'adjustment'] : ['infrastructure', 'platform_fee', 'other'];
  const rows = await queryRows<{ kind: string; amount: string | null }>(
    tx,
    sql`SELECT kind, sum(amount)::text AS amount FROM ${sql.identifier(table)}
         WHERE period = ${period} AND kind IN (${sql.join(
           kinds.map((k) => sql`${k}`),
           sql`, `,
         )}) GROUP BY kind`,
  );
  return new Map(rows.map((r) => [r.kind, dec(r.amount ?? '0')]));
}

export async function getMarginReport(opts: { period: string; groupBy?: MarginGroupBy; reconcile?: boolean; db?: Db }): Promise<MarginReport> {
  const period = periodSchema.parse(opts.period);
  const groupBy = opts.groupBy ?? 'provider';
  const r = periodRange(period);
  return withPlatform(async (tx) => {
    // Provider and model views read model_revenue_tracking (per model and booked period: a few
    // hundred rows); the tenant view reads tenant_daily_aggregates (per tenant and booked day).
    // All are folded from the same rollup batches as usage_rollups.
    const grouped =
      groupBy === 'provider'
        ? sql`SELECT t.provider_id AS key, coalesce(p.display_name, t.provider_id) AS label, NULL::text AS provider_id,
                     sum(t.request_count)::text AS requests, sum(t.revenue)::text AS revenue, sum(t.cost)::text AS cost
                FROM model_revenue_tracking t LEFT JOIN providers p ON p.id = t.provider_id
               WHERE t.period = ${period} GROUP BY t.provider_id, p.display_name`
        : groupBy === 'model'
          ? sql`SELECT t.model_id AS key, coalesce(m.display_name, t.model_id) AS label, min(t.provider_id) AS provider_id,
                       sum(t.request_count)::text AS requests, sum(t.revenue)::text AS revenue, sum(t.cost)::text AS cost
                  FROM model_revenue_tracking t LEFT JOIN models m ON m.id = t.model_id
                 WHERE t.period = ${period} GROUP BY t.model_id, m.display_name`
          : sql`SELECT d.tenant_id::text AS key, coalesce(t.name, d.tenant_id::text) AS label, NULL::text AS provider_id,
                       sum(d.request_count)::text AS requests, sum(d.revenue)::text AS revenue, sum(d.cost)::text AS cost
                  FROM tenant_daily_aggregates d LEFT JOIN tenants t ON t.id = d.tenant_id
                 WHERE d.day >= ${r.start}::date AND d.day < ${r.nextStart}::date
                 GROUP BY d.tenant_id, t.name`;
    const raw = await queryRows<{ key: string; label: string; provider_id: string | null; requests: string; revenue: string; cost: string }>(tx, grouped);
    let totalRevenue = ZERO;
    let totalCost = ZERO;
    let totalRequests = 0;
    const rows: MarginRow[] = raw
      .map((x) => {
        const revenue = dec(x.revenue);
        const cost = dec(x.cost);
        totalRevenue = totalRevenue.plus(revenue);
        totalCost = totalCost.plus(cost);
        totalRequests += Number(x.requests);
        return { key: x.key, label: x.label, providerId: x.provider_id, ...figures(Number(x.requests), revenue, cost) };
      })
      .sort((a, b) => dec(b.revenue).comparedTo(dec(a.revenue)) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));

    const rev = await sumsBy(tx, 'revenue_entries', period);
    const cst = await sumsBy(tx, 'cost_entries', period);
    const g = (m: Map<string, Decimal>, k: string) => m.get(k) ?? ZERO;
    const otherRevenue = g(rev, 'subscription').plus(g(rev, 'credit')).plus(g(rev, 'adjustment'));
    const otherCost = g(cst, 'infrastructure').plus(g(cst, 'platform_fee')).plus(g(cst, 'other'));

    const [rec] = await queryRows<{ late: string | null; applied: string | null; pending: string | null }>(
      tx,
      sql`SELECT sum(amount) FILTER (WHERE kind = 'late_usage')::text AS late,
                 sum(amount) FILTER (WHERE kind = 'manual_adjustment' AND status = 'applied')::text AS applied,
                 sum(amount) FILTER (WHERE kind = 'manual_adjustment' AND status = 'pending_approval')::text AS pending
            FROM reconciliation_entries WHERE period = ${period}`,
    );
    const [inv] = await queryRows<{
      n: string | number;
      subtotal: string | null;
      ftc: string | null;
      disc: string | null;
      tax: string | null;
      total: string | null;
    }>(
      tx,
      sql`SELECT count(*) AS n, sum(subtotal)::text AS subtotal, sum(free_tier_credit)::text AS ftc,
                 sum(discount_amount)::text AS disc, sum(tax_amount)::text AS tax, sum(total_amount)::text AS total
            FROM invoices WHERE period = ${period} AND status NOT IN ('draft', 'void')`,
    );

    const report: MarginReport = {
      period,
      groupBy,
      rows,
      totals: figures(totalRequests, totalRevenue, totalCost),
      otherRevenue: {
        subscription: toDbString(g(rev, 'subscription')),
        credit: toDbString(g(rev, 'credit')),
        adjustment: toDbString(g(rev, 'adjustment')),
        total: toDbString(otherRevenue),
      },
      otherCost: {
        infrastructure: toDbString(g(cst, 'infrastructure')),
        platformFee: toDbString(g(cst, 'platform_fee')),
        other: toDbString(g(cst, 'other')),
        total: toDbString(otherCost),
      },
      reconciliation: {
        lateUsage: toDbString(dec(rec?.late ?? '0')),
        manualAdjustmentsApplied: toDbString(dec(rec?.applied ?? '0')),
        manualAdjustmentsPending: toDbString(dec(rec?.pending ?? '0')),
      },
      invoiced: {
        invoices: Number(inv?.n ?? 0),
        subtotal: dec(inv?.subtotal ?? '0').toFixed(2),
        freeTierCredit: dec(inv?.ftc ?? '0').toFixed(2),
        discount: dec(inv?.disc ?? '0').toFixed(2),
        tax: dec(inv?.tax ?? '0').toFixed(2),
        total: dec(inv?.total ?? '0').toFixed(2),
      },
      netMargin: toDbString(totalRevenue.plus(otherRevenue).minus(totalCost).minus(otherCost)),
    };
    if (opts.reconcile) {
      const [books] = await queryRows<{ revenue: string | null; markup: string | null; cost: string | null }>(
        tx,
        sql`SELECT (SELECT sum(amount) FROM revenue_entries WHERE period = ${period} AND kind = 'ai_usage')::text AS revenue,
                   (SELECT sum(markup_amount) FROM revenue_entries WHERE period = ${period} AND kind = 'ai_usage')::text AS markup,
                   (SELECT sum(amount) FROM cost_entries WHERE period = ${period} AND kind = 'provider_usage')::text AS cost`,
      );
      const booksRevenue = dec(books?.revenue ?? '0');
      const booksCost = dec(books?.cost ?? '0');
      report.books = {
        aiUsageRevenue: toDbString(booksRevenue),
        markupAmount: toDbString(dec(books?.markup ?? '0')),
        providerUsageCost: toDbString(booksCost),
        matchesUsage: booksRevenue.equals(totalRevenue) && booksCost.equals(totalCost),
      };
      const [ev] = await queryRows<{ n: string | number; revenue: string | null; cost: string | null }>(
        tx,
        sql`SELECT count(*) AS n, sum(price)::text AS revenue, sum(cost)::text AS cost FROM usage_events
             WHERE booked_period = ${period} AND seq <= (SELECT last_seq FROM usage_rollup_state WHERE id = 1)`,
      );
      const [pending] = await queryRows<{ n: string | number }>(
        tx,
        sql`SELECT count(*) AS n FROM usage_events
             WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1) AND created_at >= (${r.start}::timestamp AT TIME ZONE 'UTC')
               AND created_at < (${r.nextStart}::timestamp AT TIME ZONE 'UTC')`,
      );
      const evRevenue = dec(ev?.revenue ?? '0');
      const evCost = dec(ev?.cost ?? '0');
      report.usageEvents = {
        events: Number(ev?.n ?? 0),
        revenue: toDbString(evRevenue),
        cost: toDbString(evCost),
        margin: toDbString(evRevenue.minus(evCost)),
        matches: evRevenue.equals(totalRevenue) && evCost.equals(totalCost),
        pendingEvents: Number(pending?.n ?? 0),
      };
    }
    return report;
  }, opts.db);
}
