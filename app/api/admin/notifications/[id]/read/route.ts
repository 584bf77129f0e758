/** POST /api/admin/notifications/:id/read — mark one of my notifications read. */
import { adminRoute } from '@/lib/auth/api';
import { markAdminNotificationRead } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export const POST = adminRoute<{ id: string }>('account.self', ({ ctx, params }) => markAdminNotificationRead({ ctx, input: { id: params.id } }));
