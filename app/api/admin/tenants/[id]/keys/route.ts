/**
 * GET  /api/admin/tenants/:id/keys — a tenant's API keys (prefix only).
 * POST /api/admin/tenants/:id/keys — create a key for the tenant; the key is in the answer ONCE.
 */
import { adminRoute, readJson } from '@/lib/auth/api';
import { createApiKey, listApiKeys } from '@/lib/gateway/keys';
import { adminKeyCtx } from '@/lib/gateway/key-routes';

export const dynamic = 'force-dynamic';

export const GET = adminRoute<{ id: string }>('tenants.read', async ({ ctx, params }) => ({
  data: await listApiKeys({ ctx: adminKeyCtx(ctx, params.id) }),
}));

export const POST = adminRoute<{ id: string }>(
  'tenants.keys',
  async ({ req, ctx, params }) => createApiKey({ ctx: adminKeyCtx(ctx, params.id), input: await readJson(req) }),
  { status: 201 },
);
