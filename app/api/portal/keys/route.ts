/**
 * GET  /api/portal/keys — the caller's API keys (owners: all of the tenant's; members: their own).
 * POST /api/portal/keys — create a key; the response carries the key ONCE (`key`).
 * Tenant session only; the tenant comes from the session, never from the body.
 */
import { assertSameOrigin, readJson } from '@/lib/auth/api';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { createApiKey, listApiKeys } from '@/lib/gateway/keys';
import { portalKeyCtx } from '@/lib/gateway/key-routes';
import { handleJson } from '@/lib/http/problem';

export const dynamic = 'force-dynamic';

export function GET(req: Request): Promise<Response> {
  return handleJson(async (requestId) => {
    const ctx = await requireTenantUserFromRequest(req, ['owner', 'member'], requestId);
    return { data: await listApiKeys({ ctx: portalKeyCtx(ctx) }) };
  });
}

export function POST(req: Request): Promise<Response> {
  return handleJson(
    async (requestId) => {
      const ctx = await requireTenantUserFromRequest(req, ['owner', 'member'], requestId);
      assertSameOrigin(req);
      return createApiKey({ ctx: portalKeyCtx(ctx), input: await readJson(req) });
    },
    { status: 201 },
  );
}
