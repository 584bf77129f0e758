/** POST /api/admin/invoices/:id/mark-failed { note? } — pending -> failed (payment failed). */
import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { markInvoiceFailed } from '@/lib/billing/invoices';

const body = z.object({ note: z.string().trim().max(1000).optional() });

export const POST = adminRoute<{ id: string }>('billing.run', async ({ req, ctx, params }) => {
  const v = parseWith(body, await readJson(req));
  return markInvoiceFailed({ ctx, input: { invoiceId: params.id, note: v.note ?? null } });
});
