/** GET /api/admin/invoices?period&status&tenantId&q&limit&offset — the invoice list.
 * `?format=csv` streams every invoice matching the console list's filters (period, status,
 * tenant, q, sort, dir: lib/billing/invoice-list.ts), page by page. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listInvoices } from '@/lib/billing/invoices';
import { INVOICE_LIST_CSV, invoiceListParamsSchema, listInvoicesPage } from '@/lib/billing/invoice-list';
import { withPlatform } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { allPages } from '@/lib/lists/keyset';
import { parseWith } from '@/lib/http/route';
import { INVOICE_STATUSES } from '@/lib/db/schema';
import { optionalLimitParam, optionalOffsetParam, periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({
  period: periodSchema.optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
  tenantId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: optionalLimitParam(500),
  offset: optionalOffsetParam,
});

export const GET = adminRoute('billing.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  if (format === 'csv') {
    const params = invoiceListParamsSchema.parse(q);
    return csvStreamResponse(
      allPages(
        (fn) => withPlatform(fn),
        { ...params, limit: 100 as const },
        (tx, p) => listInvoicesPage(tx, null, p),
      ),
      INVOICE_LIST_CSV,
      'radiant-invoices.csv',
      ctx.requestId,
    );
  }
  return listInvoices(parseWith(query, q));
});
