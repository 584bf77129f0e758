/** GET /api/admin/invoices/:id — detail (with the usage cost behind it); `?format=pdf|csv` or
 * `/:id.pdf` / `/:id.csv` download the invoice document (prices only, as the tenant gets it). */
import { adminRoute } from '@/lib/auth/api';
import { invoiceFileName, invoiceToCsv, renderInvoicePdf } from '@/lib/billing/documents';
import { fileResponse, splitIdAndFormat } from '@/lib/http/route';
import { getInvoiceAdmin } from '@/lib/billing/invoices';
import { getInvoiceDocumentAdmin } from '@/lib/billing/portal';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = adminRoute<{ id: string }>('billing.read', async ({ req, params }) => {
  const { id, format } = splitIdAndFormat(params.id, req);
  if (format === 'json') return getInvoiceAdmin(id);
  const doc = await getInvoiceDocumentAdmin(id);
  if (format === 'csv') return fileResponse(invoiceToCsv(doc), 'text/csv; charset=utf-8', invoiceFileName(doc, 'csv'));
  return fileResponse(new Uint8Array(await renderInvoicePdf(doc)), 'application/pdf', invoiceFileName(doc, 'pdf'));
});
