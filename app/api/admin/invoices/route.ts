/** GET /api/admin/invoices?period&status&tenantId&q&limit&offset — the invoice list. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listInvoices } from '@/lib/billing/invoices';
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

export const GET = adminRoute('billing.read', async ({ req }) => listInvoices(parseWith(query, queryOf(req))));
