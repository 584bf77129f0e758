/**
 * Reconciliation: late usage (written by the rollups), manual adjustments (reason, amount, who;
 * above a threshold they need a two-person approval) and provider reconciliation (a provider's
 * invoice total for a period vs what we metered).
 *
 * Threshold: RADIANT_RECONCILIATION_APPROVAL_THRESHOLD (USD, default 50: small, so one administrator
 * cannot move real money alone; issue 17). An adjustment whose
 * absolute amount is at or under it, made by an admin holding `billing.run`, applies at once;
 * anything above it (or proposed by someone without `billing.run`) is stored as
 * `pending_approval` and proposed as `billing.reconciliation_adjustment`; the approval applies it.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db, type Tx } from '@/lib/db/client';
import { approvalRequests, providerInvoiceImports, reconciliationEntries } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { InvalidStateError, NotFoundError, ValidationError } from '@/lib/errors';
import type { ExecutedChange } from '@/lib/governance/executors';
import { type Decimal, ZERO, dec, toDbString } from '@/lib/pricing/money';
import { adminIdOf, type OperatorContext } from '@/lib/platform/context';
import { parseCsv } from './csv';
import { auditFields, writeAudit } from '@/lib/platform/audit';
import { periodRange } from './period';
import { assertPeriodNotClosed } from './periods';
import { moneySchema, periodSchema } from '@/lib/platform/schemas';

export const ADJUSTMENT_ACTION = 'billing.reconciliation_adjustment';

export function adjustmentApprovalThreshold(env: NodeJS.ProcessEnv = process.env): Decimal {
  const raw = env.RADIANT_RECONCILIATION_APPROVAL_THRESHOLD?.trim();
  if (raw && /^\d+(\.\d+)?$/.test(raw)) return dec(raw);
  return dec('50');
}

export const adjustmentInputSchema = z.object({
  period: periodSchema,
  tenantId: z.uuid().optional(),
  providerId: z.string().trim().min(1).max(50).optional(),
  amount: moneySchema.refine((s) => !dec(s).isZero(), 'amount cannot be zero'),
  reason: z.string().trim().min(3).max(2000),
});
export type AdjustmentInput = z.input<typeof adjustmentInputSchema>;

export type ReconciliationRow = typeof reconciliationEntries.$inferSelect;

export interface ReconciliationEntryView {
  id: string;
  period: string;
  kind: ReconciliationRow['kind'];
  tenantId: string | null;
  tenantName: string | null;
  providerId: string | null;
  amount: string;
  reason: string;
  status: ReconciliationRow['status'];
  /** status as it stands: a pending entry whose approval was rejected/expired/cancelled/failed is `rejected`. */
  effectiveStatus: ReconciliationRow['status'];
  approvalRequestId: string | null;
  approvalStatus: string | null;
  createdBy: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

const DEAD_APPROVAL = new Set(['rejected', 'expired', 'cancelled', 'failed']);

export function entryView(r: ReconciliationRow, tenantName: string | null, approvalStatus: string | null): ReconciliationEntryView {
  return {
    id: r.id,
    period: r.period,
    kind: r.kind,
    tenantId: r.tenantId,
    tenantName,
    providerId: r.providerId,
    amount: r.amount,
    reason: r.reason,
    status: r.status,
    effectiveStatus: r.status === 'pending_approval' && approvalStatus && DEAD_APPROVAL.has(approvalStatus) ? 'rejected' : r.status,
    approvalRequestId: r.approvalRequestId,
    approvalStatus,
    createdBy: r.createdBy,
    metadata: (r.metadata ?? {}) as Record<string, unknown>,
    createdAt: r.createdAt.toISOString(),
  };
}

export const adjustmentPayload = z.object({ entryId: z.uuid(), period: periodSchema, amount: moneySchema });

/** Executor body for `billing.reconciliation_adjustment` (inside the approving transaction). */
export async function executeAdjustment(tx: Tx, payload: z.output<typeof adjustmentPayload>, meta: { approvalId: string }): Promise<ExecutedChange[]> {
  const [r] = await tx.select().from(reconciliationEntries).where(eq(reconciliationEntries.id, payload.entryId)).for('update');
  if (!r) throw new NotFoundError('reconciliation entry not found');
  if (r.status !== 'pending_approval' || r.approvalRequestId !== meta.approvalId) {
    throw new InvalidStateError(`reconciliation entry is ${r.status}; this approval no longer applies`);
  }
  if (!dec(r.amount).equals(dec(payload.amount)) || r.period !== payload.period)
    throw new InvalidStateError('the entry no longer matches the approved payload');
  await assertPeriodNotClosed(tx, r.period);
  await tx.update(reconciliationEntries).set({ status: 'applied' }).where(eq(reconciliationEntries.id, r.id));
  return [
    {
      resourceType: 'reconciliation_entry',
      resourceId: r.id,
      tenantId: r.tenantId,
      oldValues: { status: r.status, amount: r.amount, period: r.period },
      newValues: { status: 'applied', amount: r.amount, period: r.period },
    },
  ];
}

export async function assertProviders(tx: Tx, ids: string[]): Promise<void> {
  const uniq = [...new Set(ids)];
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id FROM providers WHERE id IN ${sql`(${sql.join(
      uniq.map((i) => sql`${i}`),
      sql`, `,
    )})`}`,
  );
  const known = new Set(rows.map((r) => r.id));
  const unknown = uniq.filter((i) => !known.has(i));
  if (unknown.length)
    throw new ValidationError(
      `unknown provider(s): ${unknown.join(', ')}`,
      unknown.map((u) => ({ path: 'provider', message: `no provider ${u}` })),
    );
}

// ---------------------------------------------------------------------------------------------
// Provider reconciliation
// ---------------------------------------------------------------------------------------------

export const providerInvoiceRowSchema = z.object({
  provider: z.string().trim().min(1).max(50),
  period: periodSchema,
  amount: moneySchema.refine((s) => !dec(s).isNegative(), 'an invoice total is not negative'),
});
export type ProviderInvoiceRow = z.output<typeof providerInvoiceRowSchema>;

export const providerImportInputSchema = z
  .object({
    /** CSV with the columns provider,period,amount (a header row is optional). */
    csv: z.string().max(1_000_000).optional(),
    rows: z.array(providerInvoiceRowSchema).max(1000).optional(),
  })
  .refine((v) => (v.csv ? 1 : 0) + (v.rows ? 1 : 0) === 1, 'give either csv or rows');
export type ProviderImportInput = z.input<typeof providerImportInputSchema>;

/** Parse `provider,period,amount` CSV (header optional) into validated rows. */
export function parseProviderInvoiceCsv(csv: string): ProviderInvoiceRow[] {
  const rows = parseCsv(csv);
  if (rows.length && rows[0]!.map((c) => c.trim().toLowerCase()).join(',') === 'provider,period,amount') rows.shift();
  const out: ProviderInvoiceRow[] = [];
  const issues: { path: string; message: string }[] = [];
  rows.forEach((r, i) => {
    if (r.length !== 3) {
      issues.push({ path: `csv.${i + 1}`, message: 'expected 3 columns: provider,period,amount' });
      return;
    }
    const parsed = providerInvoiceRowSchema.safeParse({ provider: r[0], period: r[1], amount: r[2] });
    if (!parsed.success) issues.push(...parsed.error.issues.map((x) => ({ path: `csv.${i + 1}.${x.path.join('.')}`, message: x.message })));
    else out.push(parsed.data);
  });
  if (issues.length) throw new ValidationError('invalid provider invoice CSV', issues);
  if (!out.length) throw new ValidationError('the CSV has no rows', [{ path: 'csv', message: 'empty' }]);
  return out;
}

async function meteredCostByProvider(tx: Tx, period: string): Promise<Map<string, Decimal>> {
  const r = periodRange(period);
  const rows = await queryRows<{ provider_id: string; cost: string }>(
    tx,
    sql`SELECT provider_id, sum(cost)::text AS cost FROM usage_rollups
         WHERE rollup_date >= ${r.start}::date AND rollup_date < ${r.nextStart}::date GROUP BY provider_id`,
  );
  return new Map(rows.map((x) => [x.provider_id, dec(x.cost)]));
}

export interface ProviderImportView {
  id: string;
  period: string;
  providerId: string;
  invoicedCost: string;
  meteredCost: string;
  difference: string;
  source: 'csv' | 'manual';
  importedBy: string | null;
  createdAt: string;
}

/** Record provider invoice totals (CSV or entered) with the metered cost at import time. */
export async function importProviderInvoices({ ctx, input, db }: { ctx: OperatorContext; input: ProviderImportInput; db?: Db }): Promise<ProviderImportView[]> {
  const v = providerImportInputSchema.parse(input);
  const rows = v.csv ? parseProviderInvoiceCsv(v.csv) : v.rows!;
  const source = v.csv ? 'csv' : 'manual';
  return withPlatform(async (tx) => {
    await assertProviders(
      tx,
      rows.map((r) => r.provider),
    );
    const metered = new Map<string, Map<string, Decimal>>();
    const out: ProviderImportView[] = [];
    for (const r of rows) {
      if (!metered.has(r.period)) metered.set(r.period, await meteredCostByProvider(tx, r.period));
      const m = metered.get(r.period)!.get(r.provider) ?? ZERO;
      const invoiced = dec(r.amount);
      const [row] = await tx
        .insert(providerInvoiceImports)
        .values({
          period: r.period,
          providerId: r.provider,
          invoicedCost: toDbString(invoiced),
          meteredCost: toDbString(m),
          difference: toDbString(invoiced.minus(m)),
          source,
          importedBy: adminIdOf(ctx),
        })
        .returning();
      out.push(importView(row!));
    }
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'billing.provider_invoices.imported',
      resourceType: 'provider_invoice_import',
      resourceId: out[0]?.id ?? null,
      newValues: { source, rows: rows.length, imports: out.map((o) => ({ provider: o.providerId, period: o.period, invoiced: o.invoicedCost })) },
    });
    return out;
  }, db);
}

function importView(r: typeof providerInvoiceImports.$inferSelect): ProviderImportView {
  return {
    id: r.id,
    period: r.period,
    providerId: r.providerId,
    invoicedCost: r.invoicedCost,
    meteredCost: r.meteredCost,
    difference: r.difference,
    source: r.source,
    importedBy: r.importedBy,
    createdAt: r.createdAt.toISOString(),
  };
}

export interface ProviderReconciliationRow {
  providerId: string;
  providerName: string;
  /** Metered cost booked to the period, now. */
  meteredCost: string;
  /** Latest imported invoice total, or null when none was imported. */
  invoicedCost: string | null;
  /** invoiced - metered (positive: the provider billed more than we metered). */
  difference: string | null;
  /** difference as % of metered cost (4 dp), null when metered is 0 or nothing imported. */
  differencePercent: string | null;
  importedAt: string | null;
  imports: number;
}

export async function providerReconciliation(period: string): Promise<ProviderReconciliationRow[]> {
  const p = periodSchema.parse(period);
  return withPlatform(async (tx) => {
    const metered = await meteredCostByProvider(tx, p);
    const latest = await queryRows<{ provider_id: string; invoiced_cost: string; created_at: string | Date; n: string | number }>(
      tx,
      sql`SELECT DISTINCT ON (provider_id) provider_id, invoiced_cost::text AS invoiced_cost, created_at,
                 count(*) OVER (PARTITION BY provider_id) AS n
            FROM provider_invoice_imports WHERE period = ${p}
           ORDER BY provider_id, created_at DESC`,
    );
    const names = new Map(
      (await queryRows<{ id: string; display_name: string }>(tx, sql`SELECT id, display_name FROM providers`)).map((x) => [x.id, x.display_name]),
    );
    const ids = new Set<string>([...metered.keys(), ...latest.map((l) => l.provider_id)]);
    const byProvider = new Map(latest.map((l) => [l.provider_id, l]));
    return [...ids]
      .map((id) => {
        const m = metered.get(id) ?? ZERO;
        const l = byProvider.get(id);
        const diff = l ? dec(l.invoiced_cost).minus(m) : null;
        return {
          providerId: id,
          providerName: names.get(id) ?? id,
          meteredCost: toDbString(m),
          invoicedCost: l ? toDbString(dec(l.invoiced_cost)) : null,
          difference: diff ? toDbString(diff) : null,
          differencePercent: diff && !m.isZero() ? toDbString(diff.div(m).times(100).toDecimalPlaces(4)) : null,
          importedAt: l ? new Date(l.created_at).toISOString() : null,
          imports: l ? Number(l.n) : 0,
        };
      })
      .sort((a, b) => (a.providerName < b.providerName ? -1 : a.providerName > b.providerName ? 1 : 0));
  });
}

export interface ReconciliationOverview {
  period: string;
  threshold: string;
  entries: ReconciliationEntryView[];
  lateUsage: { entries: number; amount: string };
  adjustments: { applied: string; pending: string; rejected: string };
  providers: ProviderReconciliationRow[];
}

export async function getReconciliation(period: string): Promise<ReconciliationOverview> {
  const p = periodSchema.parse(period);
  const entries = await withPlatform(async (tx) => {
    const rows = await tx
      .select({
        r: reconciliationEntries,
        approval: approvalRequests.status,
        tenantName: sql<string | null>`(SELECT name FROM tenants WHERE id = ${reconciliationEntries.tenantId})`,
      })
      .from(reconciliationEntries)
      .leftJoin(approvalRequests, eq(approvalRequests.id, reconciliationEntries.approvalRequestId))
      .where(and(eq(reconciliationEntries.period, p)))
      .orderBy(desc(reconciliationEntries.createdAt));
    return rows.map((x) => entryView(x.r, x.tenantName, x.approval ?? null));
  });
  let late = ZERO;
  let lateN = 0;
  let applied = ZERO;
  let pending = ZERO;
  let rejected = ZERO;
  for (const e of entries) {
    if (e.kind === 'late_usage') {
      late = late.plus(e.amount);
      lateN++;
    } else if (e.kind === 'manual_adjustment') {
      if (e.effectiveStatus === 'applied') applied = applied.plus(e.amount);
      else if (e.effectiveStatus === 'pending_approval') pending = pending.plus(e.amount);
      else rejected = rejected.plus(e.amount);
    }
  }
  return {
    period: p,
    threshold: toDbString(adjustmentApprovalThreshold()),
    entries,
    lateUsage: { entries: lateN, amount: toDbString(late) },
    adjustments: { applied: toDbString(applied), pending: toDbString(pending), rejected: toDbString(rejected) },
    providers: await providerReconciliation(p),
  };
}
