/**
 * GET /api/portal/requests — the signed-in tenant's request log, one page (q, model, key, status,
 * from, to, dir, cursor, limit); `?format=csv` streams every matching row (prompt and answer
 * previews, price; never cost).
 */
import { portalRoute } from '@/lib/http/route';
import { queryOf } from '@/lib/auth/api';
import { withTenant } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { allPages } from '@/lib/lists/keyset';
import { REQUEST_LOG_CSV, listRequestLogs, requestLogParamsSchema } from '@/lib/tenants/request-logs';

export const dynamic = 'force-dynamic';

export const GET = portalRoute('usage.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  const params = requestLogParamsSchema.parse(q);
  const tenantId = ctx.tenantId;
  if (format === 'csv') {
    return csvStreamResponse(
      allPages(
        (fn) => withTenant(tenantId, fn),
        { ...params, limit: 100 as const },
        (tx, p) => listRequestLogs(tx, tenantId, p),
      ),
      REQUEST_LOG_CSV,
      'radiant-request-log.csv',
      ctx.requestId,
    );
  }
  const page = await withTenant(tenantId, (tx) => listRequestLogs(tx, tenantId, params));
  return { items: page.rows, next: page.next };
});
