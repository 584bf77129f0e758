/** POST /api/admin/notifications/read-all — mark all my notifications read. */
import { adminRoute } from '@/lib/auth/api';
import { markAllAdminNotificationsRead } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export const POST = adminRoute('account.self', ({ ctx }) => markAllAdminNotificationsRead({ ctx }));
