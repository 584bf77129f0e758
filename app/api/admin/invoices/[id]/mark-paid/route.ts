/** POST /api/admin/invoices/:id/mark-paid { paidAt?, reference? } — pending|failed -> paid. */
import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { markInvoicePaid } from '@/lib/billing/invoices';

const body = z.object({ paidAt: z.iso.datetime({ offset: true }).optional(), reference: z.string().trim().max(200).optional() });

export const POST = adminRoute<{ id: string }>('billing.run', async ({ req, ctx, params }) => {
  const v = parseWith(body, await readJson(req));
  return markInvoicePaid({ ctx, input: { invoiceId: params.id, paidAt: v.paidAt ? new Date(v.paidAt) : undefined, reference: v.reference ?? null } });
});
