/**
 * GET /api/portal/usage/requests — the signed-in tenant's metered requests in a month, one keyset
 * page (period, key, model, status, sort=time|price, dir, cursor, limit); `?format=csv` streams
 * every matching row. Prices only (lib/portal-views/usage.ts).
 */
import { portalRoute } from '@/lib/http/route';
import { queryOf } from '@/lib/auth/api';
import { withTenant } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { allPages } from '@/lib/lists/keyset';
import { USAGE_EVENT_CSV, listUsageEvents, usageEventParamsSchema } from '@/lib/portal-views/usage';

export const dynamic = 'force-dynamic';

export const GET = portalRoute('usage.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  const params = usageEventParamsSchema.parse(q);
  const tenantId = ctx.tenantId;
  if (format === 'csv') {
    return csvStreamResponse(
      allPages(
        (fn) => withTenant(tenantId, fn),
        { ...params, limit: 100 as const },
        (tx, p) => listUsageEvents(tx, tenantId, p),
      ),
      USAGE_EVENT_CSV,
      `radiant-usage-${params.period ?? 'this-month'}.csv`,
      ctx.requestId,
    );
  }
  const page = await withTenant(tenantId, (tx) => listUsageEvents(tx, tenantId, params));
  return { items: page.rows, next: page.next };
});
