/**
 * GET /api/admin/request-logs — tenants' request logs across tenants (request_logs.read): one
 * page (tenant, q, model, key, status, from, to, dir, cursor, limit); `?format=csv` streams all.
 */
import { adminRoute, queryOf } from '@/lib/auth/api';
import { withPlatform } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { allPages } from '@/lib/lists/keyset';
import { REQUEST_LOG_CSV, listRequestLogs, requestLogParamsSchema } from '@/lib/tenants/request-logs';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('request_logs.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  const params = requestLogParamsSchema.parse(q);
  if (format === 'csv') {
    return csvStreamResponse(
      allPages(
        (fn) => withPlatform(fn),
        { ...params, limit: 100 as const },
        (tx, p) => listRequestLogs(tx, null, p),
      ),
      REQUEST_LOG_CSV,
      'radiant-request-logs.csv',
      ctx.requestId,
    );
  }
  const page = await withPlatform((tx) => listRequestLogs(tx, null, params));
  return { items: page.rows, next: page.next };
});
