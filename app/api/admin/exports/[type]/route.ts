/** GET /api/admin/exports/:type?period=YYYY-MM[&groupBy=] — CSV for accountants (type: invoices,
 * revenue, cost, margin), recorded in revenue_export_log; headers carry the export id and the
 * SHA-256 of the body. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { exportCsv, EXPORT_TYPES } from '@/lib/billing/exports';
import { MARGIN_GROUPS } from '@/lib/billing/books';
import { fileResponse, parseWith } from '@/lib/http/route';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({ period: periodSchema, groupBy: z.enum(MARGIN_GROUPS).default('provider') });

export const GET = adminRoute<{ type: string }>('billing.read', async ({ req, ctx, params }) => {
  const type = parseWith(z.enum(EXPORT_TYPES), params.type.replace(/\.csv$/i, ''));
  const q = parseWith(query, queryOf(req));
  const ex = await exportCsv({ ctx, input: { type, period: q.period, groupBy: q.groupBy } });
  return fileResponse(ex.csv, 'text/csv; charset=utf-8', ex.filename, {
    'x-export-id': ex.exportId,
    'x-checksum-sha256': ex.checksum,
    'x-row-count': String(ex.rowCount),
  });
});
