/**
 * GET  /api/admin/tenants — one page of tenants (q, status, tier, sort=name|created, dir, cursor,
 *      limit); `?format=csv` streams every tenant matching the filters.
 * POST /api/admin/tenants — create a tenant and invite its first owner (tenants.manage).
 */
import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { listTenantsPage, tenantListParamsSchema, type TenantListRow } from '@/lib/admin-views/tenants';
import { withPlatform } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { allPages } from '@/lib/lists/keyset';
import { createTenant } from '@/lib/tenants/lifecycle';

export const dynamic = 'force-dynamic';

const CSV: Array<{ header: string; value: (r: TenantListRow) => unknown }> = [
  { header: 'id', value: (r) => r.id },
  { header: 'slug', value: (r) => r.slug },
  { header: 'name', value: (r) => r.name },
  { header: 'tier', value: (r) => r.tier },
  { header: 'status', value: (r) => r.status },
  { header: 'currency', value: (r) => r.currency },
  { header: 'month_to_date_spend', value: (r) => r.monthToDateSpend },
  { header: 'monthly_budget', value: (r) => r.monthlyBudget },
  { header: 'users', value: (r) => r.users },
  { header: 'active_keys', value: (r) => r.activeKeys },
  { header: 'created_at', value: (r) => r.createdAt },
];

export const GET = adminRoute('tenants.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  const params = tenantListParamsSchema.parse(q);
  if (format === 'csv') {
    return csvStreamResponse(
      allPages((fn) => withPlatform(fn), { ...params, limit: 100 as const }, listTenantsPage),
      CSV,
      'radiant-tenants.csv',
      ctx.requestId,
    );
  }
  const page = await withPlatform((tx) => listTenantsPage(tx, params));
  return { items: page.rows, next: page.next };
});

export const POST = adminRoute(
  'tenants.manage',
  async ({ req, ctx }) => createTenant({ ctx, input: (await readJson(req)) as never, baseUrl: new URL(req.url).origin }),
  { status: 201 },
);
