/** POST /api/admin/admins/me/password — body { current, password }. Changes one's own password;
 * every session of this administrator ends (this one too): sign in again. */
import { adminRoute, readJson } from '@/lib/auth/api';
import { changeOwnPassword } from '@/lib/governance/admins';

export const dynamic = 'force-dynamic';

export const POST = adminRoute('account.self', async ({ req, ctx }) => {
  const body = (await readJson(req)) as { current?: unknown; password?: unknown } | null;
  await changeOwnPassword({ ctx, input: { current: body?.current, password: body?.password } });
  return { changed: true, sessionsRevoked: true };
});
