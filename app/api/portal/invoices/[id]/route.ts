/** GET /api/portal/invoices/:id (also `/:id.pdf`, `/:id.csv`, or `?format=pdf|csv`) — one of
 * the tenant's own invoices; another tenant's id is a 404 (RLS). Prices only. */
import { invoiceFileName, invoiceToCsv, renderInvoicePdf } from '@/lib/billing/documents';
import { fileResponse, portalRoute, splitIdAndFormat } from '@/lib/http/route';
import { getPortalInvoice } from '@/lib/billing/portal';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = portalRoute<{ id: string }>('invoices.read', async ({ req, ctx, params }) => {
  const { id, format } = splitIdAndFormat(params.id, req);
  const inv = await getPortalInvoice(ctx.tenantId, id);
  if (format === 'json') return inv;
  if (format === 'csv') return fileResponse(invoiceToCsv(inv), 'text/csv; charset=utf-8', invoiceFileName(inv, 'csv'));
  return fileResponse(new Uint8Array(await renderInvoicePdf(inv)), 'application/pdf', invoiceFileName(inv, 'pdf'));
});
