/** GET /api/portal/notifications — the signed-in tenant user's notifications (same query as the admin list). */
import { queryOf } from '@/lib/auth/api';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { handleJson } from '@/lib/http/problem';
import { listTenantNotifications } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export function GET(req: Request): Promise<Response> {
  return handleJson(async (requestId) => {
    const ctx = await requireTenantUserFromRequest(req, undefined, requestId);
    return listTenantNotifications({ ctx, input: queryOf(req) });
  });
}
