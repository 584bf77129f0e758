/** POST /api/portal/notifications/:id/read — mark one of my notifications read. */
import { assertSameOrigin } from '@/lib/auth/api';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { handleJson } from '@/lib/http/problem';
import { markTenantNotificationRead } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export function POST(req: Request, route: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleJson(async (requestId) => {
    const ctx = await requireTenantUserFromRequest(req, undefined, requestId);
    assertSameOrigin(req);
    const { id } = await route.params;
    return markTenantNotificationRead({ ctx, input: { id } });
  });
}
