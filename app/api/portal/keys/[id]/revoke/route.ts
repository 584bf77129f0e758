/** POST /api/portal/keys/:id/revoke — revoke one of the caller's keys (effective at once). */
import { assertSameOrigin } from '@/lib/auth/api';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { revokeApiKey } from '@/lib/gateway/keys';
import { portalKeyCtx } from '@/lib/gateway/key-routes';
import { handleJson } from '@/lib/http/problem';

export const dynamic = 'force-dynamic';

export function POST(req: Request, route: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleJson(async (requestId) => {
    const ctx = await requireTenantUserFromRequest(req, ['owner', 'member'], requestId);
    assertSameOrigin(req);
    const { id } = await route.params;
    return revokeApiKey({ ctx: portalKeyCtx(ctx), input: { id } });
  });
}
