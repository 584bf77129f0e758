/**
 * GET  /api/admin/reconciliation/provider-invoices?period — metered vs invoiced cost per provider.
 * POST /api/admin/reconciliation/provider-invoices — import provider invoice totals: a CSV body
 *      (content-type text/csv; columns provider,period,amount, header optional) or JSON
 *      { csv } | { rows: [{ provider, period, amount }] }.
 */
import { z } from 'zod';
import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { importProviderInvoices, providerImportInputSchema, providerReconciliation } from '@/lib/billing/reconciliation';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('billing.read', async ({ req }) => providerReconciliation(parseWith(z.object({ period: periodSchema }), queryOf(req)).period));

export const POST = adminRoute(
  'billing.run',
  async ({ req, ctx }) => {
    const type = req.headers.get('content-type') ?? '';
    const input = type.startsWith('text/csv') ? { csv: await req.text() } : await readJson(req);
    return importProviderInvoices({ ctx, input: parseWith(providerImportInputSchema, input) });
  },
  { status: 201 },
);
