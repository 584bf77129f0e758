/** GET /api/admin/notifications — the signed-in administrator's in-app notifications.
 * Query: unread=true, limit (1-200, default 50), before (cursor: createdAt of the last item). */
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listAdminNotifications } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('account.self', ({ req, ctx }) => listAdminNotifications({ ctx, input: queryOf(req) }));
