/** POST /api/admin/admins/:id/deactivate — body { reason? }. PROPOSES deactivating the
 * administrator (admin.deactivate); another super_admin approves it. */
import { adminRoute, readJson } from '@/lib/auth/api';
import { proposeDeactivation } from '@/lib/governance/admins';

export const dynamic = 'force-dynamic';

export const POST = adminRoute<{ id: string }>(
  'admins.manage',
  async ({ req, ctx, params }) => {
    const body = (await readJson(req)) as { reason?: unknown } | null;
    return proposeDeactivation({ ctx, input: { adminId: params.id, reason: body?.reason } });
  },
  { status: 201 },
);
