/**
 * GET /api/admin/reports/margin?period=YYYY-MM&groupBy=provider|model|tenant&reconcile=true
 * Metered revenue (price), cost and margin for the period; revenue - cost == margin exactly.
 * `reconcile=true` also sums usage_events booked to the period and says whether they match.
 * `format=csv` downloads it (logged as an export).
 */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { getMarginReport, MARGIN_GROUPS } from '@/lib/billing/books';
import { exportCsv } from '@/lib/billing/exports';
import { fileResponse, parseWith } from '@/lib/http/route';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({
  period: periodSchema,
  groupBy: z.enum(MARGIN_GROUPS).default('provider'),
  reconcile: z.enum(['true', 'false', '1', '0']).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const GET = adminRoute('billing.read', async ({ req, ctx }) => {
  const q = parseWith(query, queryOf(req));
  if (q.format === 'csv') {
    const ex = await exportCsv({ ctx, input: { type: 'margin', period: q.period, groupBy: q.groupBy } });
    return fileResponse(ex.csv, 'text/csv; charset=utf-8', ex.filename, { 'x-export-id': ex.exportId, 'x-checksum-sha256': ex.checksum });
  }
  return getMarginReport({ period: q.period, groupBy: q.groupBy, reconcile: q.reconcile === 'true' || q.reconcile === '1' });
});
