import { adminRoute, readJson } from '@/lib/auth/api';
import { proposeRoleChange } from '@/lib/governance/admins';

export const dynamic = 'force-dynamic';

/** Body: { role, reason? }. PROPOSES the change (an approval request); never applies it. */
export const POST = adminRoute<{ id: string }>(
  'admins.propose_role',
  async ({ req, ctx, params }) => {
    const body = (await readJson(req)) as { role?: unknown; reason?: unknown } | null;
    return proposeRoleChange({ ctx, input: { adminId: params.id, role: body?.role, reason: body?.reason } });
  },
  { status: 201 },
);
