/** GET /api/portal/invoices — the signed-in tenant's issued invoices (prices only). `?format=csv`
 * streams every invoice matching the list's filters (q, status, period, sort, dir). */
import { portalRoute } from '@/lib/http/route';
import { queryOf } from '@/lib/auth/api';
import { listPortalInvoices } from '@/lib/billing/portal';
import { INVOICE_LIST_CSV, invoiceListParamsSchema, listInvoicesPage } from '@/lib/billing/invoice-list';
import { withTenant } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { allPages } from '@/lib/lists/keyset';

export const dynamic = 'force-dynamic';

export const GET = portalRoute('invoices.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  if (format === 'csv') {
    const { tenant: _ignored, ...params } = invoiceListParamsSchema.parse(q);
    const tenantId = ctx.tenantId;
    return csvStreamResponse(
      allPages(
        (fn) => withTenant(tenantId, fn),
        { ...params, limit: 100 as const },
        (tx, p) => listInvoicesPage(tx, tenantId, p),
      ),
      INVOICE_LIST_CSV.filter((c) => c.header !== 'tenant'),
      'radiant-invoices.csv',
      ctx.requestId,
    );
  }
  return { items: await listPortalInvoices(ctx.tenantId) };
});
