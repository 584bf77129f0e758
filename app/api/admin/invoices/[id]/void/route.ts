/** POST /api/admin/invoices/:id/void { reason, reissue = true } — void an issued invoice and
 * (by default) issue its replacement in the same transaction. */
import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { voidInvoice } from '@/lib/billing/invoices';

const body = z.object({ reason: z.string().trim().min(3).max(1000), reissue: z.boolean().default(true) });

export const POST = adminRoute<{ id: string }>('billing.run', async ({ req, ctx, params }) => {
  const input = parseWith(body, await readJson(req));
  return voidInvoice({ ctx, input: { invoiceId: params.id, ...input } });
});
