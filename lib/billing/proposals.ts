/**
 * Billing changes that need a second administrator: proposing a period close and a reconciliation
 * adjustment above the threshold. These verbs use the approval workflow; what an approved request
 * DOES lives in ./executors.ts (listed in the static executor registry), which must not import
 * this module or the workflow.
 */
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { accountingPeriods, reconciliationEntries } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { ForbiddenError, InvalidStateError, ValidationError } from '@/lib/errors';
import { cancelRequest, proposeChange, type ApprovalView, type ProposeInput } from '@/lib/governance/approvals';
import { hasPermission } from '@/lib/governance/permissions';
import { auditFields, writeAudit } from '@/lib/platform/audit';
import { adminIdOf, isAdminCtx, type OperatorContext } from '@/lib/platform/context';
import { dec, toDbString } from '@/lib/pricing/money';
import { lockBookingExclusive } from './locks';
import { assertClosable, assertPeriodNotClosed, CLOSE_PERIOD_ACTION, findPeriod, getPeriod, summarize, type PeriodSummary } from './periods';
import {
  ADJUSTMENT_ACTION,
  adjustmentApprovalThreshold,
  adjustmentInputSchema,
  assertProviders,
  entryView,
  type AdjustmentInput,
  type ReconciliationEntryView,
} from './reconciliation';

/** Only an administrator proposes (the scheduler never does). */
async function proposeAsAdmin(ctx: OperatorContext, input: ProposeInput): Promise<ApprovalView> {
  if (!isAdminCtx(ctx)) throw new ForbiddenError('only an administrator can propose a change');
  return proposeChange({ ctx, input });
}

/**
 * Propose closing a period (POST /api/admin/periods/:id/close). The month must have ended and
 * every tenant with usage in it must have an issued invoice (run billing first). The period
 * becomes `closing` at once (usage arriving for it from now on is booked to the next open period)
 * and a two-person approval `billing.close_period` is created; a different admin's approval
 * closes it (executeClosePeriod).
 */
export async function proposePeriodClose({ ctx, input }: { ctx: OperatorContext; input: { periodId: string; reason?: string } }): Promise<{
  period: PeriodSummary;
  approvalId: string;
}> {
  const checked = await withPlatform(async (tx) => {
    const p = await findPeriod(tx, input.periodId);
    await assertClosable(tx, p);
    return { row: p, summary: await summarize(tx, p) };
  });
  const { row: p, summary } = checked;
  if (summary.tenantsNotInvoiced > 0) {
    throw new InvalidStateError(`${summary.tenantsNotInvoiced} tenant(s) with usage in ${p.period} have no issued invoice: run billing first`, {
      details: { tenantsNotInvoiced: summary.tenantsNotInvoiced },
    });
  }
  const approval = await proposeAsAdmin(ctx, {
    action: CLOSE_PERIOD_ACTION,
    type: 'billing_change',
    title: `Close accounting period ${p.period}`,
    description: input.reason ?? `Month-end close of ${p.period}`,
    payload: { periodId: p.id, period: p.period },
    impactAnalysis:
      `Freezes ${p.period}: no new revenue, cost or reconciliation entries, no new or voided invoices. ` +
      `Metered revenue ${summary.revenue}, cost ${summary.cost}, margin ${summary.margin}; ` +
      `${summary.invoices.issued} invoice(s) totalling ${summary.invoices.total}. ` +
      'Usage arriving for this month from now on is booked to the next open period as late usage.',
    rollbackPlan: 'A closed period cannot be reopened; corrections go into the next open period as reconciliation adjustments.',
  });
  try {
    await withPlatform(async (tx) => {
      await lockBookingExclusive(tx);
      const [locked] = await tx.select().from(accountingPeriods).where(eq(accountingPeriods.id, p.id)).for('update');
      await assertClosable(tx, locked!);
      await tx
        .update(accountingPeriods)
        .set({ status: 'closing', closeApprovalId: approval.id, closeRequestedBy: adminIdOf(ctx), updatedAt: new Date() })
        .where(eq(accountingPeriods.id, p.id));
      await writeAudit(tx, {
        ...auditFields(ctx),
        action: 'billing.period.close_proposed',
        resourceType: 'accounting_period',
        resourceId: p.id,
        oldValues: { status: locked!.status },
        newValues: { status: 'closing', approvalId: approval.id },
      });
    });
  } catch (err) {
    // The period changed under us: withdraw the request we just made so nobody approves it.
    if (isAdminCtx(ctx)) await cancelRequest({ ctx, input: { id: approval.id, notes: 'superseded' } }).catch(() => undefined);
    throw err;
  }
  return { period: await getPeriod(p.id), approvalId: approval.id };
}

export interface AdjustmentResult {
  entry: ReconciliationEntryView;
  approval: ApprovalView | null;
}

export async function createAdjustment({ ctx, input, db }: { ctx: OperatorContext; input: AdjustmentInput; db?: Db }): Promise<AdjustmentResult> {
  const v = adjustmentInputSchema.parse(input);
  const amount = dec(v.amount);
  const direct = amount.abs().lessThanOrEqualTo(adjustmentApprovalThreshold()) && isAdminCtx(ctx) && hasPermission(ctx.role, 'billing.run');
  const row = await withPlatform(async (tx) => {
    await assertPeriodNotClosed(tx, v.period);
    if (v.tenantId) {
      const [t] = await queryRows<{ id: string }>(tx, sql`SELECT id FROM tenants WHERE id = ${v.tenantId}`);
      if (!t) throw new ValidationError('unknown tenant', [{ path: 'tenantId', message: 'no such tenant' }]);
    }
    if (v.providerId) await assertProviders(tx, [v.providerId]);
    const [r] = await tx
      .insert(reconciliationEntries)
      .values({
        period: v.period,
        tenantId: v.tenantId ?? null,
        providerId: v.providerId ?? null,
        kind: 'manual_adjustment',
        amount: v.amount,
        reason: v.reason,
        status: direct ? 'applied' : 'pending_approval',
        createdBy: adminIdOf(ctx),
        metadata: { threshold: toDbString(adjustmentApprovalThreshold()) },
      })
      .returning();
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: direct ? 'billing.reconciliation.adjusted' : 'billing.reconciliation.adjustment_requested',
      resourceType: 'reconciliation_entry',
      resourceId: r!.id,
      tenantId: v.tenantId ?? null,
      newValues: { ...v, status: r!.status },
    });
    return r!;
  }, db);
  if (direct) return { entry: entryView(row, null, null), approval: null };

  let approval: ApprovalView;
  try {
    approval = await proposeAsAdmin(ctx, {
      action: ADJUSTMENT_ACTION,
      type: 'billing_change',
      title: `Reconciliation adjustment ${v.amount} for ${v.period}`,
      description: v.reason,
      payload: { entryId: row.id, period: v.period, amount: v.amount },
      impactAnalysis: `Books a manual adjustment of ${v.amount} USD into ${v.period}${v.tenantId ? ` for tenant ${v.tenantId}` : ''}${v.providerId ? ` (provider ${v.providerId})` : ''}: ${v.reason}`,
      rollbackPlan: 'Book an opposite adjustment in an open period.',
    });
  } catch (err) {
    await withPlatform((tx) => tx.delete(reconciliationEntries).where(eq(reconciliationEntries.id, row.id)), db).catch(() => undefined);
    throw err;
  }
  const updated = await withPlatform(async (tx) => {
    const [r] = await tx.update(reconciliationEntries).set({ approvalRequestId: approval.id }).where(eq(reconciliationEntries.id, row.id)).returning();
    return r!;
  }, db);
  return { entry: entryView(updated, null, approval.status), approval };
}
