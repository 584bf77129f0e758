/** GET /api/admin/invoices?period&status&tenantId&q&limit&offset — the invoice list. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listInvoices } from '@/lib/billing/invoices';
import { parseWith } from '@/lib/billing/http';
import { periodInput } from '@/lib/billing/inputs';
import { INVOICE_STATUSES } from '@/lib/db/schema';

export const dynamic = 'force-dynamic';

const query = z.object({
  period: periodInput.optional(),
  status: z.enum(INVOICE_STATUSES).optional(),
  tenantId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export const GET = adminRoute('billing.read', async ({ req }) => listInvoices(parseWith(query, queryOf(req))));
