/**
 * GET  /api/portal/keys — one keyset page of the caller's API keys (owners: all of the tenant's;
 *      members: their own): q (name or prefix), status, sort=created|name, dir, limit, cursor (the
 *      previous `next`). `?format=csv` streams every matching key.
 * POST /api/portal/keys — create a key; the response carries the key ONCE (`key`).
 * Tenant session only; the tenant comes from the session, never from the body.
 */
import { assertSameOrigin, queryOf, readJson } from '@/lib/auth/api';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { apiKeysCsvResponse, createApiKey, listApiKeys } from '@/lib/gateway/keys';
import { portalKeyCtx } from '@/lib/gateway/key-routes';
import { handleJson } from '@/lib/http/problem';

export const dynamic = 'force-dynamic';

export function GET(req: Request): Promise<Response> {
  return handleJson(async (requestId) => {
    const ctx = await requireTenantUserFromRequest(req, ['owner', 'member'], requestId);
    const { format, ...q } = queryOf(req);
    if (format === 'csv') return apiKeysCsvResponse({ ctx: portalKeyCtx(ctx), input: q });
    const page = await listApiKeys({ ctx: portalKeyCtx(ctx), input: q });
    return { data: page.rows, next: page.next };
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
