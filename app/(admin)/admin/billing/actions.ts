'use server';

import { runAction } from '@/lib/http/action';
import { requireAdmin } from '@/lib/auth/session';
import { markInvoicePaid, voidInvoice } from '@/lib/billing/invoices';
import { createAdjustment, proposePeriodClose } from '@/lib/billing/proposals';
import { startBillingRunInBackground } from '@/lib/billing/runs';
import { adjustmentFormSchema, closeSchema, markPaidSchema, startRunSchema, voidSchema } from '@/lib/admin-views/billing-schemas';

export async function startRunAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.run');
    const p = startRunSchema.parse(input);
    return startBillingRunInBackground({ period: p.period, ...(p.tenantSlug ? { tenantSlug: p.tenantSlug } : {}), startedBy: ctx.adminId, ctx });
  });
}

export async function markPaidAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.run');
    const p = markPaidSchema.parse(input);
    const v = await markInvoicePaid({ ctx, input: { invoiceId: p.invoiceId, reference: p.reference ?? null } });
    return { id: v.id };
  });
}

export async function voidInvoiceAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.run');
    const p = voidSchema.parse(input);
    const r = await voidInvoice({ ctx, input: { invoiceId: p.invoiceId, reason: p.reason, reissue: p.reissue } });
    return { replacementId: r.replacement?.id ?? null };
  });
}

export async function proposeCloseAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.propose');
    const p = closeSchema.parse(input);
    const r = await proposePeriodClose({ ctx, input: { periodId: p.periodId, ...(p.reason ? { reason: p.reason } : {}) } });
    return { approvalId: r.approvalId };
  });
}

export async function createAdjustmentAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.propose');
    const p = adjustmentFormSchema.parse(input);
    const r = await createAdjustment({ ctx, input: p });
    return { status: r.entry.status, approvalId: r.approval?.id ?? null };
  });
}
