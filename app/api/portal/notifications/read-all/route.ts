/** POST /api/portal/notifications/read-all — mark all my notifications read. */
import { assertSameOrigin } from '@/lib/auth/api';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { handleJson } from '@/lib/http/problem';
import { markAllTenantNotificationsRead } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export function POST(req: Request): Promise<Response> {
  return handleJson(async (requestId) => {
    const ctx = await requireTenantUserFromRequest(req, undefined, requestId);
    assertSameOrigin(req);
    return markAllTenantNotificationsRead({ ctx });
  });
}
