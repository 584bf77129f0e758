/**
 * GET /api/admin/notifications/settings — my preferences per event and channel (stored + effective).
 * PUT /api/admin/notifications/settings — change them: { email?, slack?, events?: { "<event>": { email?, slack? } },
 *     slackWebhookUrl?: string | null }. Audited.
 */
import { adminRoute, readJson } from '@/lib/auth/api';
import { getAdminNotificationSettings, updateAdminNotificationSettings, type UpdateNotificationSettingsInput } from '@/lib/notifications/inbox';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('account.self', ({ ctx }) => getAdminNotificationSettings({ ctx }));

export const PUT = adminRoute('account.self', async ({ req, ctx }) =>
  updateAdminNotificationSettings({ ctx, input: (await readJson(req)) as UpdateNotificationSettingsInput }),
);
