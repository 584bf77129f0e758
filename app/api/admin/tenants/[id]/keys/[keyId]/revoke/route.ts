/** POST /api/admin/tenants/:id/keys/:keyId/revoke — revoke a tenant's key (effective at once). */
import { adminRoute } from '@/lib/auth/api';
import { revokeApiKey } from '@/lib/gateway/keys';
import { adminKeyCtx } from '@/lib/gateway/key-routes';

export const dynamic = 'force-dynamic';

export const POST = adminRoute<{ id: string; keyId: string }>('tenants.keys', async ({ ctx, params }) =>
  revokeApiKey({ ctx: adminKeyCtx(ctx, params.id), input: { id: params.keyId } }),
);
