/**
 * GET  /api/admin/reconciliation?period — late usage, adjustments and provider reconciliation.
 * POST /api/admin/reconciliation { period, amount, reason, tenantId?, providerId? } — a manual
 *      adjustment: applied at once up to RADIANT_RECONCILIATION_APPROVAL_THRESHOLD (by an admin
 *      with billing.run), otherwise proposed for two-person approval (202 with the approval).
 */
import { z } from 'zod';
import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { createAdjustment } from '@/lib/billing/proposals';
import { adjustmentInputSchema, getReconciliation } from '@/lib/billing/reconciliation';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('billing.read', async ({ req }) => getReconciliation(parseWith(z.object({ period: periodSchema }), queryOf(req)).period));

export const POST = adminRoute('billing.propose', async ({ req, ctx }) => {
  const res = await createAdjustment({ ctx, input: parseWith(adjustmentInputSchema, await readJson(req)) });
  return Response.json(res, { status: res.approval ? 202 : 201 });
});
