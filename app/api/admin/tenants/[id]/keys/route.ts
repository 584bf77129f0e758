/**
 * GET  /api/admin/tenants/:id/keys — one keyset page of a tenant's API keys (prefix only); the
 *      same query as /api/portal/keys (q, status, sort, dir, limit, cursor).
 * POST /api/admin/tenants/:id/keys — create a key for the tenant; the key is in the answer ONCE.
 */
import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { createApiKey, listApiKeys } from '@/lib/gateway/keys';
import { adminKeyCtx } from '@/lib/gateway/key-routes';

export const dynamic = 'force-dynamic';

export const GET = adminRoute<{ id: string }>('tenants.read', async ({ req, ctx, params }) => {
  const page = await listApiKeys({ ctx: adminKeyCtx(ctx, params.id), input: queryOf(req) });
  return { data: page.rows, next: page.next };
});

export const POST = adminRoute<{ id: string }>(
  'tenants.keys',
  async ({ req, ctx, params }) => createApiKey({ ctx: adminKeyCtx(ctx, params.id), input: await readJson(req) }),
  { status: 201 },
);
